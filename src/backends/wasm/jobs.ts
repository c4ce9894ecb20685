/** The wasm exports a worker thread may be asked to run, by index: the control block carries
 *  the index, not the name. Each takes at most JOB_ARGS i32 arguments (pointers fit: the memory
 *  is at most 4 GiB, and an address >= 2^31 wraps to the same i32 bits). */
export const JOBS = ['xnorGemm', 'gemm', 'bitSerialLogGemm', 'pixelSignGemm', 'adamStep', 'passInside', 'packRows', 'packCols', 'gemmSignLut', 'pixelSignGemmNibbles', 'xnorGemmSliced', 'xnorThresholdSliced',
  'pixelSignGemmNibblesRows', 'xnorGemmSlicedRows', 'xnorThresholdSlicedRows', 'im2col', 'im2colPackSigns', 'col2im',
  'broadcastRows', 'sumRows', 'softmaxCrossEntropyRows',
  'maxPool2d',
  'conv2dSignBackwardInput', 'conv2dBinaryProduct',
  'im2colBits', 'im2colBytes', 'maxPoolInt', 'poolBits',
  'batchNormTrain', 'batchNormBackward', 'sign', 'clamp', 'transposeBits',
  'batchNormHardtanhBackward', 'pixelSignGemmDot', 'pixelSignGemmDotRows', 'pixelThresholdDot',
  'xnorThresholdRows', 'xnorThresholdRowSliced', 'xnorThresholdConvRowSliced', 'pixelConvThresholdDot',
  'xnorThresholdConvRowSlicedBitmaps'] as const;

/** Below this many elements an elementwise job stays on the calling thread: a wake-up costs
 *  microseconds, about what a pass over this many floats does. */
export const MIN_PARALLEL_ELEMENTS = 1 << 15;
/** Elementwise chunks start on a cache line (16 floats), so threads never share one. */
export const ELEMENT_ALIGN = 16;
export type JobName = typeof JOBS[number];

/** Job index that tells a worker to leave its loop. */
export const STOP_JOB = -1;

/** Control block: one 128-byte slot per thread (own cache lines, so threads do not false-share).
 *  Fields are i32 indices inside a slot. A job is cut into pieces that the main thread and the
 *  workers it posted to claim one at a time from CLAIM (slot 0's first word): a worker that a
 *  busy machine has not scheduled yet leaves its pieces to the others instead of stalling them. */
export const SLOT_INTS = 32;
export const SEQ = 0;      // bumped by the main thread to post a job
export const DONE = 1;     // set to SEQ by the worker when it has left the job (the slot may be reused)
export const JOB = 2;      // index into JOBS, or STOP_JOB
export const FAILED = 3;   // 1 when a piece the worker ran threw (a trap): the main thread reports it
export const READY = 4;    // 1 once the worker has instantiated the module
export const BUSY = 5;     // 1 while the worker claims or runs pieces: the main thread waits for 0
export const EPOCH = 6;    // the job's tag in CLAIM: a worker that wakes late claims nothing of a later job
export const TOTAL = 7;    // the job's range [0, TOTAL), cut into PIECES pieces of PER
export const PER = 8;
export const PIECES = 9;
export const NARGS = 10;   // how many of ARGS the job takes (a piece's lo, hi and thread follow them)
export const ARGS = 11;    // JOB_ARGS arguments follow
export const JOB_ARGS = SLOT_INTS - ARGS;
/** CLAIM holds (epoch << PIECE_BITS) | the next unclaimed piece. */
export const CLAIM = 0;
export const PIECE_BITS = 10;
export const EPOCH_MASK = (1 << (31 - PIECE_BITS)) - 1;
export const MAX_THREADS = 64;
export const CONTROL_BYTES = MAX_THREADS * SLOT_INTS * 4;
