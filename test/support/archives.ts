// Reading the packages as they ship, without unpacking tools: the entries of a .vsix (a zip) and of
// an npm tarball (a gzipped tar). Enough of each format for the files vsce and npm write: stored or
// deflated zip entries without zip64, ustar headers with an optional name prefix.
import * as zlib from 'node:zlib';

/** Every file of a zip archive: path -> contents. */
export function readZip(bytes: Buffer): Map<string, Buffer> {
  const endSignature = 0x06054b50;
  let end = -1;
  for (let at = bytes.length - 22; at >= Math.max(0, bytes.length - 22 - 0xffff); at--) {
    if (bytes.readUInt32LE(at) === endSignature) {
      end = at;
      break;
    }
  }
  if (end < 0) {
    throw new Error('not a zip archive: no end of central directory');
  }
  const count = bytes.readUInt16LE(end + 10);
  let entry = bytes.readUInt32LE(end + 16);
  const files = new Map<string, Buffer>();
  for (let i = 0; i < count; i++) {
    if (bytes.readUInt32LE(entry) !== 0x02014b50) {
      throw new Error(`damaged central directory at ${entry}`);
    }
    const method = bytes.readUInt16LE(entry + 10);
    const compressedSize = bytes.readUInt32LE(entry + 20);
    const nameLength = bytes.readUInt16LE(entry + 28);
    const extraLength = bytes.readUInt16LE(entry + 30);
    const commentLength = bytes.readUInt16LE(entry + 32);
    const localHeader = bytes.readUInt32LE(entry + 42);
    const name = bytes.subarray(entry + 46, entry + 46 + nameLength).toString('utf8');
    const dataStart = localHeader + 30 + bytes.readUInt16LE(localHeader + 26) + bytes.readUInt16LE(localHeader + 28);
    const data = bytes.subarray(dataStart, dataStart + compressedSize);
    if (!name.endsWith('/')) {
      if (method !== 0 && method !== 8) {
        throw new Error(`${name}: compression method ${method} is not stored or deflate`);
      }
      files.set(name, method === 8 ? zlib.inflateRawSync(data) : Buffer.from(data));
    }
    entry += 46 + nameLength + extraLength + commentLength;
  }
  return files;
}

/** Every regular file of a gzipped tar archive (`npm pack`): path -> contents. */
export function readTarGz(bytes: Buffer): Map<string, Buffer> {
  const tar = zlib.gunzipSync(bytes);
  const files = new Map<string, Buffer>();
  const text = (start: number, length: number) => tar.subarray(start, start + length).toString('utf8').replace(/\0.*$/s, '');
  for (let at = 0; at + 512 <= tar.length;) {
    const name = text(at, 100);
    if (name === '') {
      break;
    }
    const size = parseInt(text(at + 124, 12).trim() || '0', 8);
    const type = text(at + 156, 1);
    const prefix = text(at + 345, 155);
    if (type === '0' || type === '') {
      files.set(prefix ? `${prefix}/${name}` : name, Buffer.from(tar.subarray(at + 512, at + 512 + size)));
    }
    at += 512 + Math.ceil(size / 512) * 512;
  }
  return files;
}

/** Width and height of a PNG image, from its IHDR chunk. */
export function pngSize(bytes: Buffer): { width: number; height: number } {
  if (bytes.subarray(0, 8).toString('hex') !== '89504e470d0a1a0a' || bytes.subarray(12, 16).toString('latin1') !== 'IHDR') {
    throw new Error('not a PNG image');
  }
  return { width: bytes.readUInt32BE(16), height: bytes.readUInt32BE(20) };
}
