import { LowbitError } from '../errors/lowbit-error.js';
import type { HostKernels, KernelName, Kernels } from './kernels.js';
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
