/**
 * An `openclaw …` command as gateway messages give one ("…, then run: openclaw channels start
 * slack"): after "run" (or in backticks), the words up to a comma, semicolon, parenthesis,
 * backtick or the sentence's end.
 */
const COMMAND = /(?<=\brun:? |`)openclaw(?: [^\s,;()`]*[^\s,;()`.])+(?=[,;)`]|\.?$)/g;

/** A message cut into plain text and the commands in it (to show each with a copy button). */
export function splitCommands(text: string): { text: string; command: boolean }[] {
  const out: { text: string; command: boolean }[] = [];
  let last = 0;
  for (const m of text.matchAll(COMMAND)) {
    if (m.index > last) out.push({ text: text.slice(last, m.index), command: false });
    out.push({ text: m[0], command: true });
    last = m.index + m[0].length;
  }
  if (last < text.length) out.push({ text: text.slice(last), command: false });
  return out;
}
