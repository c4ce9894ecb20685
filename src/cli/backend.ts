import { initDefaultBackend } from '../backends/default-backend.js';
import { useBackend } from '../backends/registry.js';

/** The named backend, or the fastest one that loads here (env LOWBIT_BACKEND, else wasm, else
 *  reference). Returns the name of the one in use. */
export async function selectBackend(name?: string): Promise<string> {
  return (name ? await useBackend(name) : await initDefaultBackend()).name;
}
