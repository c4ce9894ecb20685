import { DataError } from './data-error.js';

/** A word stream cut into `batch` parallel rows of `length` ids (row b holds the stream's words
 *  b·length … (b+1)·length − 1), so that truncated back-propagation through time can carry each
 *  row's state from one window to the next. The stream's last words that fill no row are dropped. */
export interface BatchedStream {
  readonly ids: Int32Array;
  readonly batch: number;
  readonly length: number;
}

/** Inputs and next-word targets of one window, both [batch, steps] row-major. */
export interface StreamWindow {
  inputs: Int32Array;
  targets: Int32Array;
  steps: number;
}

/** Cut a stream into `batch` rows (BatchedStream).
 *  @example batchify(Int32Array.from([0, 1, 2, 3, 4, 5, 6]), 2)  // ids [0,1,2, 3,4,5], length 3 */
export function batchify(stream: Int32Array, batch: number): BatchedStream {
  if (!Number.isInteger(batch) || batch < 1) throw new DataError(`ptb: batch must be a positive integer, got ${batch}`);
  const length = Math.floor(stream.length / batch);
  if (length < 2) {
    throw new DataError(`ptb: a stream of ${stream.length} words cannot be cut into ${batch} rows of at least 2 words `
      + '(an input and its next word); use a smaller batch or a longer text.');
  }
  return { ids: stream.slice(0, batch * length), batch, length };
}

/** The windows of truncated BPTT over a batched stream, in order: inputs at positions t … t+steps−1
 *  of every row, targets one word later. The last window is shorter where length − 1 is not a
 *  multiple of steps, so every word after a row's first is predicted exactly once.
 *  @example for (const { inputs, targets, steps } of windows(batchify(train, 20), 35)) … */
export function* windows(data: BatchedStream, steps: number): Generator<StreamWindow, void, undefined> {
  if (!Number.isInteger(steps) || steps < 1) throw new DataError(`ptb: steps must be a positive integer, got ${steps}`);
  const { ids, batch, length } = data;
  for (let t = 0; t + 1 < length; t += steps) {
    const n = Math.min(steps, length - 1 - t);
    const inputs = new Int32Array(batch * n), targets = new Int32Array(batch * n);
    for (let b = 0; b < batch; b++) {
      inputs.set(ids.subarray(b * length + t, b * length + t + n), b * n);
      targets.set(ids.subarray(b * length + t + 1, b * length + t + 1 + n), b * n);
    }
    yield { inputs, targets, steps: n };
  }
}
