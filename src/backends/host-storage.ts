import type { HostArray, HostArrays, StorageKind, StorageMembers } from './kernels.js';

const MAKE = { f32: Float32Array, i32: Int32Array, u32: Uint32Array, u8: Uint8Array } as const;

/** A zero-filled host array of a storage kind. */
export function hostArray<K extends StorageKind>(kind: K, length: number): HostArrays[K] {
  return new MAKE[kind](length) as HostArrays[K];
}

/** Storage on a synchronous CPU backend: a handle is the typed array itself, so allocation,
 *  upload and read cost nothing beyond the array, and every kernel has finished when it returns. */
export const hostStorage: StorageMembers<HostArrays> = {
  alloc: (kind, length) => hostArray(kind, length),
  fromArray: ((array: HostArray) => array) as StorageMembers<HostArrays>['fromArray'],
  write: (dst, values) => { dst.set(values as never); },
  isStorage: (x) => ArrayBuffer.isView(x), // a host array is its own handle
  lengthOf: (buf) => buf.length,
  read: (buf) => Promise.resolve(buf),
  readSync: (buf) => buf,
  flush: () => Promise.resolve(),
  free: () => {},
};
