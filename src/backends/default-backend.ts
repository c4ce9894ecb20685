import { LowbitError } from '../errors/lowbit-error.js';
import type { Kernels } from './kernels.js';
import { backendNames, useBackend } from './registry.js';
import './wasm/register.js';
import './webgpu/register.js';

/** Pick the backend every op will use: env LOWBIT_BACKEND if set (an unknown name is an error),
 *  else 'wasm', else 'reference' when wasm cannot load (no build/, no SIMD). Prints nothing;
 *  the returned kernels' `name` says which one runs.
 *  @example const { name } = await initDefaultBackend() */
export async function initDefaultBackend(): Promise<Kernels> {
  const wanted = process.env['LOWBIT_BACKEND'];
  if (wanted !== undefined && wanted !== '') {
    if (!backendNames().includes(wanted)) {
      throw new LowbitError(`LOWBIT_BACKEND='${wanted}' is not a backend; known: ${backendNames().join(', ')}`);
    }
    return useBackend(wanted);
  }
  try {
    return await useBackend('wasm');
  } catch {
    return useBackend('reference');
  }
}
