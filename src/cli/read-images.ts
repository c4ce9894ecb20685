import { readFile } from 'node:fs/promises';
import { DataError } from '../data/data-error.js';
import { parseIdx } from '../data/idx.js';

/** Images for a model of `inputs` bytes each from a file: an IDX file whose dims after the first
 *  multiply to `inputs`, else raw bytes, `inputs` per image. `command` names the caller in errors. */
export async function readImages(file: string, inputs: number, command: string): Promise<Uint8Array> {
  let bytes: Uint8Array;
  try { bytes = await readFile(file); } catch (e) { throw new DataError(`${command}: cannot read ${file} (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`); }
  let idx: ReturnType<typeof parseIdx> | undefined;
  try { idx = parseIdx(bytes, file); } catch { idx = undefined; } // not IDX: read it as raw bytes
  if (idx) {
    const per = idx.dims.slice(1).reduce((n, d) => n * d, 1);
    if (idx.dims.length < 2 || per !== inputs) {
      throw new DataError(`${command}: ${file} is an IDX file of dims [${idx.dims.join(',')}], i.e. ${idx.dims.length < 2 ? 'not a set of images' : `${per} bytes per image`}; the model takes ${inputs}`);
    }
    return idx.data;
  }
  if (bytes.length === 0 || bytes.length % inputs !== 0) {
    throw new DataError(`${command}: ${file} has ${bytes.length} bytes, not a multiple of ${inputs} (the model's bytes per image); `
      + 'give raw 8-bit pixels, one image after another, or an IDX file');
  }
  return bytes;
}
