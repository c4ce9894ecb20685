import { LowbitError } from '../../errors/lowbit-error.js';

/** The WebGPU backend could not start or a GPU command failed: the message names the cause. */
export class WebGpuError extends LowbitError {
  override name = 'WebGpuError';
}
