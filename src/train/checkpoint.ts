import { open, readFile, rename, writeFile } from 'node:fs/promises';
import { CheckpointError } from './checkpoint-error.js';

/** A checkpoint: JSON metadata plus named float32 tensors.
 *  File layout (little-endian): 8-byte magic "LBCKPT\0\1", u32 version, u32 json byte length,
 *  the JSON (utf-8), zero padding to a multiple of 4, then the tensors' float32 payload. The JSON's
 *  `tensors` lists { name, offset (in floats), length }. */
export interface Checkpoint {
  meta: Record<string, unknown>;
  tensors: Map<string, Float32Array>;
}

const MAGIC = [0x4c, 0x42, 0x43, 0x4b, 0x50, 0x54, 0x00, 0x01]; // "LBCKPT\0\1"
const VERSION = 1;
const HEADER_BYTES = 16;

export function encodeCheckpoint(ckpt: Checkpoint): Uint8Array {
  const index: { name: string; offset: number; length: number }[] = [];
  let floats = 0;
  for (const [name, t] of ckpt.tensors) { index.push({ name, offset: floats, length: t.length }); floats += t.length; }
  const json = new TextEncoder().encode(JSON.stringify({ ...ckpt.meta, tensors: index }));
  const payloadStart = HEADER_BYTES + Math.ceil(json.length / 4) * 4;
  const bytes = new Uint8Array(payloadStart + floats * 4);
  bytes.set(MAGIC, 0);
  const view = new DataView(bytes.buffer);
  view.setUint32(8, VERSION, true);
  view.setUint32(12, json.length, true);
  bytes.set(json, HEADER_BYTES);
  const payload = new Float32Array(bytes.buffer, payloadStart, floats);
  for (const { name, offset } of index) payload.set(ckpt.tensors.get(name)!, offset);
  return bytes;
}

/** Parse and validate a checkpoint; every size is checked against the file before it is used. */
export function decodeCheckpoint(bytes: Uint8Array, file: string): Checkpoint {
  const fail = (what: string): never => { throw new CheckpointError(`checkpoint ${file}: ${what}`); };
  if (bytes.length < HEADER_BYTES || MAGIC.some((b, i) => bytes[i] !== b)) fail('not a lowbit checkpoint (bad magic); pass a file written by `lowbit train` (best.ckpt or last.ckpt)');
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const version = view.getUint32(8, true);
  if (version !== VERSION) fail(`format version ${version} is not supported (this lowbit reads version ${VERSION})`);
  const jsonBytes = view.getUint32(12, true);
  if (HEADER_BYTES + jsonBytes > bytes.length) fail(`truncated: header says ${jsonBytes} bytes of metadata, the file has ${bytes.length - HEADER_BYTES}`);
  let meta: Record<string, unknown>;
  try {
    meta = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(bytes.subarray(HEADER_BYTES, HEADER_BYTES + jsonBytes)));
  } catch (e) { return fail(`metadata is not valid JSON (${(e as Error).message}); the file is corrupted`); }
  if (typeof meta !== 'object' || meta === null || !Array.isArray(meta.tensors)) return fail('metadata has no tensor index');
  const payloadStart = HEADER_BYTES + Math.ceil(jsonBytes / 4) * 4;
  const floats = Math.floor(Math.max(0, bytes.length - payloadStart) / 4);
  // copy the payload once so that the tensors are aligned whatever the Buffer's offset
  const payload = new Float32Array(floats);
  new Uint8Array(payload.buffer).set(bytes.subarray(payloadStart, payloadStart + floats * 4));
  const tensors = new Map<string, Float32Array>();
  for (const t of meta.tensors as unknown[]) {
    const { name, offset, length } = (t ?? {}) as Record<string, unknown>;
    if (typeof name !== 'string' || !Number.isInteger(offset) || !Number.isInteger(length) || (offset as number) < 0 || (length as number) < 0) {
      fail(`bad tensor entry ${JSON.stringify(t)?.slice(0, 100)}`);
    }
    if ((offset as number) + (length as number) > floats) fail(`truncated: tensor '${name as string}' needs floats ${offset}..${(offset as number) + (length as number)}, the file holds ${floats}`);
    if (tensors.has(name as string)) fail(`tensor '${name as string}' appears twice`);
    tensors.set(name as string, payload.subarray(offset as number, (offset as number) + (length as number)));
  }
  delete meta.tensors;
  return { meta, tensors };
}

/** Write atomically: a temporary file beside the target, flushed, then renamed over it, so a
 *  crash never leaves a half-written checkpoint. */
export async function saveCheckpoint(path: string, ckpt: Checkpoint): Promise<void> {
  const tmp = `${path}.${process.pid}.tmp`;
  await writeFile(tmp, encodeCheckpoint(ckpt));
  const fh = await open(tmp, 'r+');
  try { await fh.sync(); } finally { await fh.close(); }
  await rename(tmp, path);
}

export async function loadCheckpoint(path: string): Promise<Checkpoint> {
  let bytes: Uint8Array;
  try { bytes = await readFile(path); } catch (e) {
    throw new CheckpointError(`checkpoint ${path}: cannot read it (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`);
  }
  return decodeCheckpoint(bytes, path);
}
