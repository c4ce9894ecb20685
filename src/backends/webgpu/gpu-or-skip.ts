import { test } from 'node:test';
import { makeWebGpuBackend, type WebGpuKernels } from './index.js';

/** The WebGPU backend for a test file, or undefined after registering a skipped test that says
 *  why there is none (no `webgpu` package, no Vulkan driver). Under CI it must start: CI
 *  installs SwiftShader, so a failure there is an error, not a skip. */
export async function gpuOrSkip(what: string): Promise<WebGpuKernels | undefined> {
  try {
    return await makeWebGpuBackend();
  } catch (e) {
    if (process.env['CI']) throw e;
    test(what, { skip: `no WebGPU adapter: ${(e as Error).message}` }, () => {});
    return undefined;
  }
}
