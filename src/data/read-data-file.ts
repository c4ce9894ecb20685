import { readFile } from 'node:fs/promises';
import { gunzipSync } from 'node:zlib';
import { DataError } from './data-error.js';

/** The file at `path`, else at `path.gz`, inflated when it is gzipped (to at most `maxBytes`, so a
 *  small file cannot inflate into gigabytes). Errors start with `area` and end with `fix`.
 *  @example await readDataFile('/data/t10k-images-idx3-ubyte', 'mnist', 'Point --data at …', 1 << 30) */
export async function readDataFile(path: string, area: string, fix: string, maxBytes: number): Promise<Uint8Array> {
  let file = path, bytes: Uint8Array;
  try {
    bytes = await readFile(path).catch(async (e: NodeJS.ErrnoException) => {
      if (e.code !== 'ENOENT') throw e;
      file = `${path}.gz`;
      return readFile(file).catch(() => { throw e; }); // report the plain name
    });
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    const what = code === 'ENOENT' ? `no such file: ${path} (nor ${path}.gz)` : code === 'EISDIR' ? `${path} is a folder` : `cannot read ${path} (${code ?? String(e)})`;
    throw new DataError(`${area}: ${what}. ${fix}`);
  }
  if (bytes[0] !== 0x1f || bytes[1] !== 0x8b) return bytes;
  try {
    return gunzipSync(bytes, { maxOutputLength: maxBytes });
  } catch (e) {
    throw new DataError(`${area}: ${file} looks gzipped but does not inflate (${(e as Error).message}); download it again. ${fix}`);
  }
}
