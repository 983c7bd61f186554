import { fileTypeFromBuffer } from 'file-type';

/** Bytes file-type needs to recognise every format it knows. */
export const SNIFF_BYTES = 4100;

/**
 * The MIME type of content, from its bytes only (a sender's claim is never trusted: a "photo"
 * that is HTML must not be served as an image). Magic numbers through file-type; what it does not
 * know is text/plain when it is valid UTF-8 without control bytes, else application/octet-stream.
 * SVG and HTML are therefore never recognised as such, so they are never served inline.
 */
export async function sniffMime(head: Uint8Array): Promise<string> {
  const found = await fileTypeFromBuffer(head);
  if (found) return found.mime;
  return looksLikeText(head) ? 'text/plain' : 'application/octet-stream';
}

function looksLikeText(head: Uint8Array): boolean {
  if (head.length === 0) return false;
  for (const b of head) {
    // NUL and the C0 controls other than tab, newline, form feed, carriage return and escape.
    if (b < 0x20 && b !== 0x09 && b !== 0x0a && b !== 0x0c && b !== 0x0d && b !== 0x1b) return false;
  }
  try {
    // A multi-byte sequence cut at the end of the sniffed head is not a reason to call it binary.
    new TextDecoder('utf-8', { fatal: true }).decode(trimPartialUtf8(head));
    return true;
  } catch {
    return false;
  }
}

function trimPartialUtf8(b: Uint8Array): Uint8Array {
  let end = b.length;
  // Walk back over at most 3 continuation bytes to the lead byte of the last sequence.
  let i = end - 1;
  while (i >= 0 && end - i <= 4 && (b[i]! & 0xc0) === 0x80) i--;
  if (i < 0) return b;
  const lead = b[i]!;
  const need = lead >= 0xf0 ? 4 : lead >= 0xe0 ? 3 : lead >= 0xc0 ? 2 : 1;
  if (end - i < need) end = i;
  return b.subarray(0, end);
}

/** Types a browser may show in the page (img, audio, video). Everything else is a download. */
export function isInlineSafe(mimeType: string): boolean {
  const t = mimeType.toLowerCase();
  if (t === 'image/svg+xml') return false;
  return t.startsWith('image/') || t.startsWith('audio/') || t.startsWith('video/');
}
