import { readFile } from 'node:fs/promises';
import { gunzipSync } from 'node:zlib';
import { DataError } from '../data/data-error.js';
import { parseIdx } from '../data/idx.js';
import { fsProblem } from './paths.js';

/** A gzipped input may not inflate past this (10,000 MNIST images are 7.8 MB). */
const MAX_INFLATED_BYTES = 1 << 30;

/** Images for a model of `inputs` bytes each, from a file, possibly gzipped. A file that starts
 *  with an IDX magic (00 00 08 01..04) is IDX and must be a valid one whose dims after the first
 *  multiply to `inputs`; any other file is raw bytes, `inputs` per image. `raw` reads the file as
 *  raw bytes whatever it starts with. `command` names the caller in errors. */
export async function readImages(file: string, inputs: number, command: string, opts: { raw?: boolean } = {}): Promise<Uint8Array> {
  let bytes: Uint8Array;
  try { bytes = await readFile(file); } catch (e) { throw new DataError(`${command}: ${fsProblem(e, file)}`); }
  if (bytes[0] === 0x1f && bytes[1] === 0x8b) {
    try { bytes = gunzipSync(bytes, { maxOutputLength: MAX_INFLATED_BYTES }); } catch (e) {
      throw new DataError(`${command}: ${file} looks gzipped but does not inflate (${(e as Error).message})`);
    }
  }
  if (!opts.raw && bytes.length >= 4 && bytes[0] === 0 && bytes[1] === 0 && bytes[2] === 0x08 && bytes[3]! >= 1 && bytes[3]! <= 4) {
    let idx: ReturnType<typeof parseIdx>;
    try { idx = parseIdx(bytes, file); } catch (e) {
      if (!(e instanceof DataError)) throw e;
      throw new DataError(`${command}: ${e.message} (it starts as an IDX file; if it is raw 8-bit pixels, give it with --raw)`);
    }
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
