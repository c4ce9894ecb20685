import { useBackend } from '../backends/registry.js';

/** The named backend, or the fastest one that loads here (wasm, else reference). */
export async function selectBackend(name?: string): Promise<string> {
  if (name) return (await useBackend(name)).name;
  try {
    // resolved at run time: builds without the wasm backend still run on the reference one
    const mod = await import(new URL('../backends/default-backend.js', import.meta.url).href) as { initDefaultBackend(): Promise<{ name: string }> };
    return (await mod.initDefaultBackend()).name;
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'ERR_MODULE_NOT_FOUND') throw e;
    return (await useBackend('reference')).name;
  }
}
