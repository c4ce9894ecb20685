import { readFile, rename, writeFile } from 'node:fs/promises';
import type { PackedGraph } from './graph.js';
import { decodeModel, encodeModel } from './model-file.js';
import { ModelFileError } from './model-file-error.js';

/** Node only: the .lbit codec (model-file.ts, browser-safe) on files. Writes go to a temporary
 *  file renamed over the target, so a crash never leaves half a model.
 *  @example await saveModelFile('model.lbit', await compile(model, { scale: 'symmetric' })) */
export async function saveModelFile(path: string, graph: PackedGraph): Promise<number> {
  const bytes = encodeModel(graph), tmp = `${path}.${process.pid}.tmp`;
  await writeFile(tmp, bytes);
  await rename(tmp, path);
  return bytes.length;
}

/** @example const engine = new PackedEngine(await loadModelFile('model.lbit'));
 *           await engine.predict(pixels) */
export async function loadModelFile(path: string): Promise<PackedGraph> {
  let bytes: Uint8Array;
  try { bytes = await readFile(path); } catch (e) {
    throw new ModelFileError(`${path}: cannot read it (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`);
  }
  return decodeModel(bytes, path);
}
