import { Option } from 'commander';
import { initDefaultBackend } from '../backends/default-backend.js';
import { backendNames, useBackend } from '../backends/registry.js';

/** The named backend, or the fastest one that loads here (env LOWBIT_BACKEND, else wasm, else
 *  reference, said on stderr). Returns the name of the one in use. */
export async function selectBackend(name?: string): Promise<string> {
  return (name ? await useBackend(name) : await initDefaultBackend()).name;
}

/** `--backend <name>`, limited to the registered backends: any other name is bad usage (exit 2),
 *  and the help lists them. */
export function backendOption(): Option {
  return new Option('--backend <name>', 'kernel backend (default: wasm where it loads, else reference; env LOWBIT_BACKEND)')
    .choices(backendNames());
}
