import type { HostKernels as Kernels } from '../kernels.js';
import { signNibbleWords } from '../reference/pixel-sign-nibbles.js';
import { pixelRowsProduct } from './pixel-sign-gemm.js';
import type { WasmRuntime } from './wasm-runtime.js';

/** pixelSignGemmNibbles (Kernels) in wasm SIMD (assembly/pixel-sign-nibbles.ts): 16-entry table
 *  lookups by i8x16.swizzle; images split across threads, or for a few images the columns of C in
 *  blocks of 16. */
export function makePixelSignGemmNibbles(rt: WasmRuntime): Kernels['pixelSignGemmNibbles'] {
  return pixelRowsProduct(rt, 'pixelSignGemmNibbles', 'pixelSignGemmNibblesRows', 'pixelSignNibblesScratchBytes', signNibbleWords);
}

