/// <reference types="@webgpu/types" />
import { WebGpuError } from './webgpu-error.js';

/** An adapter's device, with the GPU object that made it (Dawn aborts if that one is collected). */
export interface GpuDevice {
  gpu: GPU;
  adapter: GPUAdapter;
  device: GPUDevice;
  /** The adapter's description, e.g. "vulkan SwiftShader Device (Subzero)". */
  description: string;
}

/** Objects that must outlive every device made here: Dawn's GPU object (a module-level
 *  const did not hold it on the H200, globalThis did: ../shared/gpu/README.md). */
const HELD = Symbol.for('lowbit.webgpu.held');

/** A device on the best adapter: navigator.gpu in a browser, Dawn (npm `webgpu`) in Node. The
 *  limits asked for are the adapter's own, so large GEMMs and buffers fit. */
export async function requestGpuDevice(): Promise<GpuDevice> {
  const inNode = typeof process !== 'undefined' && process.versions?.node !== undefined;
  const gpu = inNode ? await (await import('./dawn-node.js')).dawnGpu() : browserGpu();
  const held = ((globalThis as Record<symbol, unknown>)[HELD] ??= []) as unknown[];
  held.push(gpu);
  const adapter = await gpu.requestAdapter({ powerPreference: 'high-performance' });
  if (!adapter) {
    throw new WebGpuError(inNode
      ? 'webgpu: no adapter found. Dawn needs a Vulkan driver: a GPU\'s, or SwiftShader on the CPU '
        + '(install Debian\'s chromium package, or set VK_ICD_FILENAMES to a Vulkan ICD json).'
      : 'webgpu: navigator.gpu gave no adapter (the browser has WebGPU off; Chromium on a CPU needs --enable-unsafe-webgpu).');
  }
  const { limits } = adapter;
  const device = await adapter.requestDevice({
    requiredLimits: {
      maxBufferSize: limits.maxBufferSize,
      maxStorageBufferBindingSize: limits.maxStorageBufferBindingSize,
      maxComputeWorkgroupStorageSize: limits.maxComputeWorkgroupStorageSize,
      maxStorageBuffersPerShaderStage: limits.maxStorageBuffersPerShaderStage,
    },
  });
  held.push(device);
  const info = adapter.info;
  const description = [info.vendor, info.architecture, info.device, info.description].filter((s) => s).join(' ') || 'unnamed adapter';
  return { gpu, adapter, device, description };
}

function browserGpu(): GPU {
  const gpu = (globalThis as { navigator?: { gpu?: GPU } }).navigator?.gpu;
  if (!gpu) {
    throw new WebGpuError('webgpu: this browser has no navigator.gpu (WebGPU needs a secure context, '
      + 'https or localhost, and a browser with WebGPU on).');
  }
  return gpu;
}
