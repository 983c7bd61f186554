import { crc32, deflateSync } from 'node:zlib';

/**
 * Small, real media files for tests: each is a valid file of its format (so sniffing and the
 * platforms' own checks accept it), and `seed` makes each one's bytes different, so a test can
 * tell which photo arrived where.
 */

function chunk(type: string, data: Buffer): Buffer {
  const len = Buffer.alloc(4);
  len.writeUInt32BE(data.length);
  const body = Buffer.concat([Buffer.from(type, 'ascii'), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(body));
  return Buffer.concat([len, body, crc]);
}

/** A PNG of `size`×`size` pixels in one colour derived from `seed`. */
export function samplePng(seed = 1, size = 8): Buffer {
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(size, 0);
  ihdr.writeUInt32BE(size, 4);
  ihdr[8] = 8; // bit depth
  ihdr[9] = 2; // RGB
  const rgb = [(seed * 97) & 0xff, (seed * 57 + 80) & 0xff, (seed * 31 + 160) & 0xff];
  const row = Buffer.concat([Buffer.from([0]), Buffer.from(Array.from({ length: size }, () => rgb).flat())]);
  const raw = Buffer.concat(Array.from({ length: size }, () => row));
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', ihdr),
    chunk('IDAT', deflateSync(raw)),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

function oggPage(serial: number, seq: number, headerType: number, packet: Buffer): Buffer {
  const segments: number[] = [];
  let left = packet.length;
  while (left >= 255) {
    segments.push(255);
    left -= 255;
  }
  segments.push(left);
  const header = Buffer.alloc(27);
  header.write('OggS', 0, 'ascii');
  header[4] = 0;
  header[5] = headerType;
  header.writeBigUInt64LE(0n, 6);
  header.writeUInt32LE(serial, 14);
  header.writeUInt32LE(seq, 18);
  header[26] = segments.length;
  return Buffer.concat([header, Buffer.from(segments), packet]);
}

/** An Ogg/Opus voice note (the format Telegram, WhatsApp and Signal use), distinct per seed. */
export function sampleVoiceNote(seed = 1): Buffer {
  const head = Buffer.alloc(19);
  head.write('OpusHead', 0, 'ascii');
  head[8] = 1; // version
  head[9] = 1; // mono
  head.writeUInt16LE(312, 10);
  head.writeUInt32LE(48_000, 12);
  const tags = Buffer.concat([Buffer.from('OpusTags', 'ascii'), Buffer.alloc(8)]);
  const audio = Buffer.alloc(200, seed & 0xff);
  return Buffer.concat([
    oggPage(seed, 0, 0x02, head),
    oggPage(seed, 1, 0x00, tags),
    oggPage(seed, 2, 0x04, audio),
  ]);
}
