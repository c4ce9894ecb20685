import type { GpuQueue } from './gpu-queue.js';
import { grid, u } from './gpu-queue.js';
import type { GpuStorage as G } from './gpu-storage.js';
import { shader } from './wgsl.js';

// Losses over scores [rows, classes] with integer labels. One workgroup: its 256 invocations
// stride over the rows, write the gradient, and sum their part of the loss in float32; a tree
// in workgroup memory adds the parts, and invocation 0 writes the mean.

const REDUCE_TO_0 = (store: string) => `
  part[lix] = total;
  workgroupBarrier();
  for (var half = 128u; half > 0u; half = half / 2u) {
    if (lix < half) { part[lix] += part[lix + half]; }
    workgroupBarrier();
  }
  if (lix == 0u) { ${store} }`;
const PART = 'var<workgroup> part: array<f32, 256>;';
const LOSS_FIELDS = 'rows: u32, classes: u32';

const HINGE = shader(LOSS_FIELDS, [['y', 'f32'], ['labels', 'i32'], ['grad', 'f32'], ['loss', 'f32']], `
  let n = p.rows * p.classes; var total = 0.0;
  for (var i = lix; i < n; i += 256u) {
    let t = select(-1.0, 1.0, i32(i % p.classes) == labels[i / p.classes]);
    let margin = max(0.0, 1.0 - t * y[i]);
    total += margin * margin;
    grad[i] = (-2.0 * t * margin) / f32(n);
  }
  ${REDUCE_TO_0('loss[0] = select(part[0] / f32(n), 0.0, n == 0u);')}`, '256', PART);

const SOFTMAX = shader(LOSS_FIELDS, [['logits', 'f32'], ['labels', 'i32'], ['grad', 'f32'], ['loss', 'f32']], `
  var total = 0.0;
  for (var r = lix; r < p.rows; r += 256u) {
    let at = r * p.classes; var top = logits[at];
    for (var c = 1u; c < p.classes; c++) { top = max(top, logits[at + c]); }
    var sum = 0.0;
    for (var c = 0u; c < p.classes; c++) { sum += exp(logits[at + c] - top); }
    let label = u32(labels[r]);
    total += log(sum) + top - logits[at + label];
    for (var c = 0u; c < p.classes; c++) {
      grad[at + c] = (exp(logits[at + c] - top) / sum - select(0.0, 1.0, c == label)) / f32(p.rows);
    }
  }
  ${REDUCE_TO_0('loss[0] = select(part[0] / f32(p.rows), 0.0, p.rows == 0u);')}`, '256', PART);

/** The first maximum of row r (a later equal value does not replace it; -0 and 0 tie). */
const ARGMAX_FN = `
fn argmax(r: u32) -> i32 {
  var best = 0u;
  for (var c = 1u; c < p.classes; c++) { if (x[r * p.classes + c] > x[r * p.classes + best]) { best = c; } }
  return i32(best);
}`;
const COUNT = shader(LOSS_FIELDS, [['x', 'f32'], ['labels', 'i32'], ['count', 'i32']], `
  var total = 0.0;
  for (var r = lix; r < p.rows; r += 256u) { if (argmax(r) != labels[r]) { total += 1.0; } }
  ${REDUCE_TO_0('count[0] += i32(part[0]);')}`, '256', `${PART}${ARGMAX_FN}`); // counts below 2^24: exact in f32
const ARGMAX = shader(LOSS_FIELDS, [['x', 'f32'], ['o', 'i32']], 'if (flat >= p.rows) { return; } o[flat] = argmax(flat);', '256', ARGMAX_FN);

export function lossKernels(q: GpuQueue) {
  return {
    squaredHinge(y: G, labels: G, rows: number, classes: number, grad: G, loss: G) {
      q.dispatch('squaredHinge', () => HINGE, [y, labels, grad, loss], [u(rows), u(classes)], [1]);
    },
    softmaxCrossEntropy(logits: G, labels: G, rows: number, classes: number, grad: G, loss: G) {
      q.dispatch('softmaxCrossEntropy', () => SOFTMAX, [logits, labels, grad, loss], [u(rows), u(classes)], [1]);
    },
    countErrors(scores: G, labels: G, rows: number, classes: number, count: G) {
      q.dispatch('countErrors', () => COUNT, [scores, labels, count], [u(rows), u(classes)], [1]);
    },
    argmaxRows(x: G, rows: number, classes: number, out: G) {
      q.dispatch('argmaxRows', () => ARGMAX, [x, out], [u(rows), u(classes)], grid(rows));
    },
  };
}
