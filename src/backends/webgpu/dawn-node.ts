import { existsSync } from 'node:fs';
import { WebGpuError } from './webgpu-error.js';

/** Debian's chromium package ships SwiftShader (Vulkan on the CPU) and a Vulkan loader. */
const CHROMIUM = '/usr/lib/chromium';
const SWIFTSHADER_ICD = `${CHROMIUM}/vk_swiftshader_icd.json`;
/** glibc's RTLD_NODELETE (Node's os.constants lacks it): keep the loader mapped after Node's dlclose. */
const RTLD_NOW = 2, RTLD_GLOBAL = 0x100, RTLD_NODELETE = 0x1000;

/** The GPU object of Dawn for Node (npm `webgpu`). With no Vulkan driver chosen, SwiftShader from
 *  Debian's chromium package is used, so the backend runs on any CPU. The caller must keep the
 *  returned object reachable while the device is in use: Dawn aborts the process when V8
 *  collects it (../shared/gpu/README.md). */
export async function dawnGpu(): Promise<GPU> {
  if (!process.env['VK_ICD_FILENAMES'] && !process.env['VK_DRIVER_FILES'] && existsSync(SWIFTSHADER_ICD)) {
    process.env['VK_ICD_FILENAMES'] = SWIFTSHADER_ICD;
  }
  preloadVulkanLoader(); // also when the driver was chosen before (a child of a process that chose it)
  let mod: { create(options: string[]): GPU };
  try {
    mod = await import('webgpu') as unknown as typeof mod;
  } catch (e) {
    throw new WebGpuError(`webgpu: the npm package 'webgpu' (Dawn for Node) could not be loaded `
      + `(${(e as Error).message}). Install it with \`npm install webgpu\`, or pick another backend.`);
  }
  return mod.create([]);
}

/** Dawn opens `libvulkan.so.1` by name; where only chromium's copy exists (no libvulkan1
 *  package), map that one first so the name resolves to it. */
function preloadVulkanLoader(): void {
  if (process.platform !== 'linux' || canOpen('libvulkan.so.1') || !existsSync(`${CHROMIUM}/libvulkan.so.1`)) return;
  canOpen(`${CHROMIUM}/libvulkan.so.1`, RTLD_NODELETE);
}

/** Whether the dynamic loader finds the library (it is no Node addon, so Node refuses it after loading). */
function canOpen(lib: string, extraFlags = 0): boolean {
  try {
    process.dlopen({ exports: {} }, lib, RTLD_NOW | RTLD_GLOBAL | extraFlags);
    return true;
  } catch (e) {
    return !/cannot open shared object/.test((e as Error).message);
  }
}
