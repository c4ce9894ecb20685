import { LowbitError } from '../errors/lowbit-error.js';
import type { HostArray, HostArrays, HostKernels, KernelName, Kernels, OpaqueStorage, StorageKind, StorageMembers, StorageTypes } from './kernels.js';
import { referenceKernels } from './reference/index.js';

type Loader = () => Kernels | Promise<Kernels>;

/** A CPU backend's own kernels, storage members and name; completeBackend adds the rest. */
export type PartialHostBackend = Omit<HostKernels, KernelName | 'native'> & Partial<Pick<HostKernels, KernelName>>;

/** The one place where missing kernels fall back to the reference: a backend whose storage is
 *  host memory names the kernels it implements, and the reference's run the others on the same
 *  arrays. `native` records which are its own. */
export function completeBackend<B extends PartialHostBackend>(own: B): B & HostKernels {
  const native = new Set<KernelName>();
  const filled: Record<string, unknown> = {};
  for (const name of kernelNames()) {
    if ((own as Record<string, unknown>)[name] !== undefined) native.add(name);
    else filled[name] = referenceKernels[name];
  }
  // spread the getters of `own` as they are (wasm's `threads`)
  const out = Object.create(null) as B & HostKernels;
  Object.defineProperties(out, Object.getOwnPropertyDescriptors(own));
  Object.assign(out, filled);
  Object.defineProperty(out, 'native', { value: native, enumerable: true });
  return out;
}

/** What `completeAsyncBackend` needs of a backend that finishes kernels later: a way to run
 *  host work in its order, and to read and write storage from there. */
export interface AsyncHost<S extends StorageTypes = OpaqueStorage> {
  /** Run `work` after every call made before this one and before every call made after it; an
   *  error it throws fails the backend's next read or flush. */
  onChain(work: () => Promise<void>): void;
  /** From inside `work`: the storage's values now (a fresh array). */
  readNow<K extends StorageKind>(buf: S[K]): Promise<HostArrays[K]>;
  /** From inside `work`: overwrite the storage, ordered after the work before it. */
  writeNow<K extends StorageKind>(buf: S[K], values: HostArrays[K]): void;
}

/** An asynchronous backend's own kernels and storage members; completeAsyncBackend adds the rest. */
export type PartialAsyncBackend<S extends StorageTypes = OpaqueStorage> = Omit<Kernels<S>, KernelName | 'native'>
  & Partial<Pick<Kernels<S>, KernelName>>;

/** completeBackend for a backend whose storage is not host memory (a GPU's): a kernel it lacks
 *  is the reference's, enqueued on the backend's chain: the storage arguments are read back
 *  (each once, however often it is passed), the reference kernel runs on those arrays, and the
 *  arrays whose bytes it changed, the outputs, are written back; the others cost no upload.
 *  So correctness never depends on which kernels the backend implements. `native` lists its own. */
export function completeAsyncBackend<S extends StorageTypes, B extends PartialAsyncBackend<S>>(own: B, host: AsyncHost<S>): B & Kernels<S> {
  const native = new Set<KernelName>();
  const filled: Record<string, unknown> = {};
  for (const name of kernelNames()) {
    if ((own as Record<string, unknown>)[name] !== undefined) native.add(name);
    else filled[name] = (...args: unknown[]) => runOnHost(own, host, name, args);
  }
  const out = Object.create(null) as B & Kernels<S>;
  Object.defineProperties(out, Object.getOwnPropertyDescriptors(own));
  Object.assign(out, filled);
  Object.defineProperty(out, 'native', { value: native, enumerable: true });
  return out;
}

/** Enqueue the reference kernel `name` on an asynchronous backend's storage (completeAsyncBackend's
 *  fallback; a native kernel may use it for arguments it does not handle). Plain arrays among the
 *  arguments (shapes, strides) are copied now: the caller may reuse them once the call returns.
 *  A `prepare*` kernel returns its handle at once, filled in when the chain reaches it (the
 *  reference's layouts are host arrays, which its consuming kernels then read on the host too). */
export function runOnHost<S extends StorageTypes>(backend: Pick<StorageMembers<S>, 'isStorage'>, host: AsyncHost<S>,
  name: KernelName, args: readonly unknown[]): unknown {
  const now = args.map((a) => (Array.isArray(a) ? [...a] : a));
  const handle = name.startsWith('prepare') ? {} : undefined;
  host.onChain(async () => {
    const storages = [...new Set(now.filter((a) => backend.isStorage(a)))] as S[StorageKind][];
    const arrays = new Map<unknown, HostArray>();
    await Promise.all(storages.map(async (s) => { arrays.set(s, await host.readNow(s)); }));
    const before = new Map(storages.map((s) => [s, arrays.get(s)!.slice()]));
    const made = (referenceKernels[name] as (...a: unknown[]) => unknown)(...now.map((a) => arrays.get(a) ?? a));
    if (handle) Object.assign(handle, made);
    for (const s of storages) {
      const after = arrays.get(s)!;
      if (!sameBytes(after, before.get(s)!)) host.writeNow(s, after as never);
    }
  });
  return handle;
}

function sameBytes(a: HostArray, b: HostArray): boolean {
  const x = new Uint8Array(a.buffer, a.byteOffset, a.byteLength), y = new Uint8Array(b.buffer, b.byteOffset, b.byteLength);
  for (let i = 0; i < x.length; i++) if (x[i] !== y[i]) return false;
  return true;
}

/** The names of the contract's kernels, as the reference backend (which has all) lists them. */
export function kernelNames(): KernelName[] {
  return [...referenceKernels.native];
}

/** A CPU backend as the layers above see it: opaque storage. Its handles are typed arrays, so
 *  this is the one cast between the two views. */
export const opaque = (k: HostKernels): Kernels => k as unknown as Kernels;

const reference = opaque(referenceKernels);
const loaders = new Map<string, Loader>([['reference', () => reference]]);
let active: Kernels = reference;

/** Make a backend available by name (the wasm and webgpu backends register themselves). */
export function registerBackend(name: string, load: Loader): void { loaders.set(name, load); }

/** The names of the registered backends. */
export function backendNames(): string[] { return [...loaders.keys()]; }

/** Switch every op to the named backend. @example await useBackend('reference') */
export async function useBackend(name: string): Promise<Kernels> {
  const load = loaders.get(name);
  if (!load) throw new LowbitError(`backend '${name}' is unknown; known: ${backendNames().join(', ')}`);
  active = await load();
  return active;
}

/** Use this backend directly (tests, a backend built by hand). A CPU backend's kernels may be
 *  given as they are. */
export function setKernels(kernels: Kernels | HostKernels): void { active = kernels as Kernels; }

/** The backend every op calls now. */
export function kernels(): Kernels { return active; }
