/**
 * Reads the entries of a zip archive (zipped Shapefiles, KMZ) with Node's zlib: the central
 * directory at the end, then each entry's data, stored or deflated. No ZIP64 and no encryption;
 * neither turns up in the files planners send (a Shapefile's .dbf tops out at 2 GB anyway).
 */
import { inflateRawSync } from 'node:zlib';
import { ImportInputError } from './types';

const EOCD = 0x06054b50;
const CENTRAL = 0x02014b50;
const LOCAL = 0x04034b50;

export type ZipEntry = { name: string; data: Buffer };

/**
 * No entry inflates past this. Deflate packs up to about 1,000:1, so a 20 MB upload could otherwise
 * ask for 20 GB and take the server down; a real Shapefile's .dbf of 100,000 features is far smaller.
 */
export const MAX_ENTRY_BYTES = 512 * 1024 * 1024;

/** Every file entry (folders skipped), in the order of the central directory. */
export function unzip(zip: Buffer): ZipEntry[] {
  // The end-of-central-directory record is 22 bytes plus a comment of up to 65,535.
  let eocd = -1;
  for (let i = zip.length - 22; i >= Math.max(0, zip.length - 22 - 65_535); i--) {
    if (zip.readUInt32LE(i) === EOCD) {
      eocd = i;
      break;
    }
  }
  if (eocd < 0) throw new ImportInputError('not a zip archive (no end-of-central-directory record)');
  const count = zip.readUInt16LE(eocd + 10);
  let offset = zip.readUInt32LE(eocd + 16);
  if (offset === 0xffffffff || count === 0xffff) throw new ImportInputError('ZIP64 archives are not supported');
  const entries: ZipEntry[] = [];
  for (let n = 0; n < count; n++) {
    if (zip.readUInt32LE(offset) !== CENTRAL) throw new ImportInputError('the zip central directory is damaged');
    const flags = zip.readUInt16LE(offset + 8);
    const method = zip.readUInt16LE(offset + 10);
    const compressedSize = zip.readUInt32LE(offset + 20);
    const nameLength = zip.readUInt16LE(offset + 28);
    const extraLength = zip.readUInt16LE(offset + 30);
    const commentLength = zip.readUInt16LE(offset + 32);
    const localOffset = zip.readUInt32LE(offset + 42);
    // Bit 11: the name is UTF-8. Without it the name is in the archiver's code page (often GBK
    // on Chinese Windows); only the extension matters here, and that is ASCII either way.
    const rawName = zip.subarray(offset + 46, offset + 46 + nameLength);
    const name = flags & 0x800 ? rawName.toString('utf8') : rawName.toString('latin1');
    offset += 46 + nameLength + extraLength + commentLength;
    if (name.endsWith('/')) continue;
    if (flags & 0x1) throw new ImportInputError(`${name} in the zip is encrypted`);
    if (zip.readUInt32LE(localOffset) !== LOCAL) throw new ImportInputError(`${name}: the zip entry is damaged`);
    const start = localOffset + 30 + zip.readUInt16LE(localOffset + 26) + zip.readUInt16LE(localOffset + 28);
    const raw = zip.subarray(start, start + compressedSize);
    let data: Buffer;
    if (method === 0) data = Buffer.from(raw);
    else if (method === 8) {
      try {
        data = inflateRawSync(raw, { maxOutputLength: MAX_ENTRY_BYTES });
      } catch (error) {
        const tooLarge = (error as { code?: string }).code === 'ERR_BUFFER_TOO_LARGE';
        throw new ImportInputError(
          tooLarge
            ? `${name} in the zip inflates to more than ${MAX_ENTRY_BYTES / 1024 / 1024} MB; split the file`
            : `${name}: the zip entry cannot be inflated (${(error as Error).message})`,
        );
      }
    } else throw new ImportInputError(`${name} in the zip uses compression method ${method}; re-zip it (deflate)`);
    entries.push({ name, data });
  }
  return entries;
}
