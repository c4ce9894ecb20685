import { LowbitError } from '../errors/lowbit-error.js';
import type { Kernels } from './kernels.js';
import { referenceKernels } from './reference/index.js';

type Loader = () => Kernels | Promise<Kernels>;

const loaders = new Map<string, Loader>([['reference', () => referenceKernels]]);
let active: Kernels = referenceKernels;

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

/** Use these kernels directly (tests, a backend built by hand). */
export function setKernels(kernels: Kernels): void { active = kernels; }

/** The kernels every op calls now. */
export function kernels(): Kernels { return active; }
