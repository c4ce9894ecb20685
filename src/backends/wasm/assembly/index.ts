// The one wasm module of the wasm backend: every kernel exported from here. Memory is imported
// (shared between worker threads) and managed from JS, so nothing here allocates.
export { xnorGemm } from './xnor-gemm';
export { gemm, gemmScratchBytes } from './gemm';
export { packRows, packCols } from './pack';

/** First free byte after static data: JS lays its control block and arena from here on. */
export function heapBase(): usize { return __heap_base; }
