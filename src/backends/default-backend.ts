import { LowbitError } from '../errors/lowbit-error.js';
import type { Kernels } from './kernels.js';
import { backendNames, useBackend } from './registry.js';
import './wasm/register.js';
import './webgpu/register.js';

/** Pick the backend every op will use: env LOWBIT_BACKEND if set (an unknown name is an error),
 *  else 'wasm', else 'reference' when wasm cannot load here (no build/, no SIMD); that fallback
 *  is said on `warn` (default: one line on stderr), since the reference backend is far slower.
 *  A bad setting (LOWBIT_THREADS, LOWBIT_RELAXED_SIMD) is an error, never a reason to fall back.
 *  The returned kernels' `name` says which one runs.
 *  @example const { name } = await initDefaultBackend() */
export async function initDefaultBackend(warn: (line: string) => void = (line) => { process.stderr.write(`${line}\n`); }): Promise<Kernels> {
  const wanted = process.env['LOWBIT_BACKEND'];
  if (wanted !== undefined && wanted !== '') {
    if (!backendNames().includes(wanted)) {
      throw new LowbitError(`LOWBIT_BACKEND='${wanted}' is not a backend; known: ${backendNames().join(', ')}`);
    }
    return useBackend(wanted);
  }
  try {
    return await useBackend('wasm');
  } catch (e) {
    if (e instanceof LowbitError) throw e; // the user's setting is wrong: say so rather than run far slower
    warn(`lowbit: the wasm backend cannot load here (${(e as Error).message}); running on the slow reference backend. `
      + 'Run `npm run build` to build it, or set LOWBIT_BACKEND=reference to choose the reference backend and silence this.');
    return useBackend('reference');
  }
}
