import { open, readFile, rename, unlink, writeFile } from 'node:fs/promises';
import { crc32 } from '../codec/crc32.js';
import { parseJsonHeader } from '../codec/json-header.js';
import { describeName, describeValue } from '../errors/describe-value.js';
import { CheckpointError } from './checkpoint-error.js';
import { removeStaleTemporaries, staleTemporaries, temporaryPath } from './checkpoint-temporaries.js';

/** A checkpoint: JSON metadata plus named float32 tensors.
 *  File layout (little-endian), version 2:
 *    0  magic "LBCKPT\0\1"     8  u32 version      12  u32 JSON bytes      16  u32 payload bytes
 *   20  u32 CRC-32 of everything after this 24-byte header
 *   24  the JSON (utf-8), zero-padded to a multiple of 4, then the tensors' float32 payload.
 *  The JSON's `tensors` lists { name, offset (in floats), length }. Version 1 (16-byte header:
 *  magic, version, JSON bytes; no payload size, no checksum) is still read, unchecked. */
export interface Checkpoint {
  meta: Record<string, unknown>;
  tensors: Map<string, Float32Array>;
}

const MAGIC = [0x4c, 0x42, 0x43, 0x4b, 0x50, 0x54, 0x00, 0x01]; // "LBCKPT\0\1"
export const CHECKPOINT_VERSION = 2; // 2: payload size and CRC-32 in the header
const HEADER_BYTES = { 1: 16, 2: 24 } as const;

export function encodeCheckpoint(ckpt: Checkpoint): Uint8Array {
  const index: { name: string; offset: number; length: number }[] = [];
  let floats = 0;
  for (const [name, t] of ckpt.tensors) { index.push({ name, offset: floats, length: t.length }); floats += t.length; }
  if (floats * 4 > 0xffffffff) throw new CheckpointError(`checkpoint: ${floats} floats do not fit the format (at most ${Math.floor(0xffffffff / 4)} per file)`);
  const json = new TextEncoder().encode(JSON.stringify({ ...ckpt.meta, tensors: index }));
  const payloadStart = HEADER_BYTES[2] + Math.ceil(json.length / 4) * 4;
  const bytes = new Uint8Array(payloadStart + floats * 4);
  bytes.set(MAGIC, 0);
  const view = new DataView(bytes.buffer);
  view.setUint32(8, CHECKPOINT_VERSION, true);
  view.setUint32(12, json.length, true);
  view.setUint32(16, floats * 4, true);
  bytes.set(json, HEADER_BYTES[2]);
  const payload = new Float32Array(bytes.buffer, payloadStart, floats);
  for (const { name, offset } of index) payload.set(ckpt.tensors.get(name)!, offset);
  view.setUint32(20, crc32(bytes.subarray(HEADER_BYTES[2])), true);
  return bytes;
}

/** Parse and validate a checkpoint; every size is checked against the file before it is used,
 *  and (version 2) the checksum before anything is read, so a damaged file is an error naming it. */
export function decodeCheckpoint(bytes: Uint8Array, file: string): Checkpoint {
  const fail = (what: string): never => { throw new CheckpointError(`checkpoint ${file}: ${what}`); };
  if (bytes.length < HEADER_BYTES[1] || MAGIC.some((b, i) => bytes[i] !== b)) fail('not a lowbit checkpoint (bad magic); pass a file written by `lowbit train` (best.ckpt or last.ckpt)');
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const version = view.getUint32(8, true);
  if (version !== 1 && version !== 2) fail(`format version ${version} is not supported (this lowbit reads versions 1 and ${CHECKPOINT_VERSION})`);
  const headerBytes = HEADER_BYTES[version as 1 | 2];
  if (bytes.length < headerBytes) fail(`truncated: the version ${version} header needs ${headerBytes} bytes, the file has ${bytes.length}`);
  const jsonBytes = view.getUint32(12, true);
  if (headerBytes + jsonBytes > bytes.length) fail(`truncated: header says ${jsonBytes} bytes of metadata, the file has ${bytes.length - headerBytes}`);
  const payloadStart = headerBytes + Math.ceil(jsonBytes / 4) * 4;
  let payloadBytes = Math.max(0, bytes.length - payloadStart);
  if (version === 2) {
    payloadBytes = view.getUint32(16, true);
    if (payloadStart + payloadBytes !== bytes.length) {
      fail(`${payloadStart + payloadBytes > bytes.length ? 'truncated' : 'has trailing data'}: the header says ${payloadStart + payloadBytes} bytes, the file has ${bytes.length}`);
    }
    const stored = view.getUint32(20, true), actual = crc32(bytes.subarray(headerBytes));
    if (stored !== actual) fail(`checksum mismatch (stored 0x${hex(stored)}, computed 0x${hex(actual)}): the file is corrupted; use the run's other checkpoint or train again`);
  }
  const meta = parseJsonHeader(bytes.subarray(headerBytes, headerBytes + jsonBytes), fail) as Record<string, unknown>;
  if (typeof meta !== 'object' || meta === null || Array.isArray(meta) || !Array.isArray(meta.tensors)) return fail('metadata has no tensor index');
  const floats = Math.floor(payloadBytes / 4);
  // copy the payload once so that the tensors are aligned whatever the Buffer's offset
  const payload = new Float32Array(floats);
  new Uint8Array(payload.buffer).set(bytes.subarray(payloadStart, payloadStart + floats * 4));
  const tensors = new Map<string, Float32Array>();
  for (const t of meta.tensors as unknown[]) {
    const { name, offset, length } = (typeof t === 'object' && t !== null ? t : {}) as Record<string, unknown>;
    if (typeof name !== 'string' || !Number.isInteger(offset) || !Number.isInteger(length) || (offset as number) < 0 || (length as number) < 0) {
      fail(`bad tensor entry ${describeValue(t)}: needs a name, an integer offset >= 0 and an integer length >= 0`);
    }
    if ((offset as number) + (length as number) > floats) fail(`truncated: tensor ${describeName(name)} needs floats ${offset}..${(offset as number) + (length as number)}, the file holds ${floats}`);
    if (tensors.has(name as string)) fail(`tensor ${describeName(name)} appears twice`);
    tensors.set(name as string, payload.subarray(offset as number, (offset as number) + (length as number)));
  }
  delete meta.tensors;
  return { meta, tensors };
}

const hex = (n: number): string => n.toString(16).padStart(8, '0');

/** Write atomically: a temporary file beside the target, flushed, then renamed over it, so a
 *  crash never leaves a half-written checkpoint. Temporaries that an earlier, killed writer left
 *  for the same target are removed first, and a failed write removes its own. */
export async function saveCheckpoint(path: string, ckpt: Checkpoint): Promise<void> {
  await removeStaleTemporaries(path);
  const tmp = temporaryPath(path);
  try {
    await writeFile(tmp, encodeCheckpoint(ckpt));
    const fh = await open(tmp, 'r+');
    try { await fh.sync(); } finally { await fh.close(); }
    await rename(tmp, path);
  } catch (e) {
    await unlink(tmp).catch(() => undefined); // already gone is fine: the error that matters is e
    throw e;
  }
}

export async function loadCheckpoint(path: string): Promise<Checkpoint> {
  let bytes: Uint8Array;
  try { bytes = await readFile(path); } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    const stale = code === 'ENOENT' ? await staleTemporaries(path) : [];
    if (stale.length > 0) {
      throw new CheckpointError(`checkpoint ${path}: does not exist, but the unfinished ${stale.map((s) => `${s.file} (${s.bytes} bytes)`).join(', ')} `
        + 'lies beside it: the run was stopped while writing this checkpoint for the first time, so there is nothing to load from it. '
        + 'Train again (the next checkpoint written there removes the temporary) or delete it.');
    }
    throw new CheckpointError(`checkpoint ${path}: cannot read it (${code ?? (e as Error).message})`);
  }
  return decodeCheckpoint(bytes, path);
}
