import { Option } from 'commander';
import { plural } from './format.js';
import { initDefaultBackend } from '../backends/default-backend.js';
import { backendNames, kernels, useBackend } from '../backends/registry.js';

/** The named backend, or the fastest one that loads here (env LOWBIT_BACKEND, else wasm, else
 *  reference, said on stderr). Returns the name of the one in use. */
export async function selectBackend(name?: string): Promise<string> {
  return (name ? await useBackend(name) : await initDefaultBackend()).name;
}

/** "wasm backend (lowbit-relaxed.wasm, 2 threads)": the backend in use as a run's first line names
 *  it, with the wasm module loaded (the relaxed build fuses multiply-adds) and its thread count. */
export function backendLabel(name: string): string {
  const { build, threads } = kernels() as { build?: string; threads?: number };
  return build ? `${name} backend (${build}, ${plural(threads ?? 1, 'thread')})` : `${name} backend`;
}

/** `--backend <name>`, limited to the registered backends: any other name is bad usage (exit 2),
 *  and the help lists them. */
export function backendOption(): Option {
  return new Option('--backend <name>', 'kernel backend (default: wasm where it loads, else reference; env LOWBIT_BACKEND)')
    .choices(backendNames());
}
