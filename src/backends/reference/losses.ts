/** Mean softmax cross-entropy over rows (log-sum-exp shifted by the row max for stability). */
export function softmaxCrossEntropy(logits: Float32Array, labels: Int32Array, rows: number, classes: number, grad: Float32Array, loss: Float32Array): void {
  let total = 0;
  for (let r = 0; r < rows; r++) {
    let max = -Infinity;
    for (let c = 0; c < classes; c++) max = Math.max(max, logits[r * classes + c]!);
    let sum = 0;
    for (let c = 0; c < classes; c++) sum += Math.exp(logits[r * classes + c]! - max);
    const label = labels[r]!;
    total += Math.log(sum) + max - logits[r * classes + label]!;
    for (let c = 0; c < classes; c++) {
      grad[r * classes + c] = (Math.exp(logits[r * classes + c]! - max) / sum - (c === label ? 1 : 0)) / rows;
    }
  }
  loss[0] = rows === 0 ? 0 : total / rows;
}

/** Mean over rows×classes of max(0, 1 - t·y)², t = +1 for the label's class, -1 elsewhere. */
export function squaredHinge(y: Float32Array, labels: Int32Array, rows: number, classes: number, grad: Float32Array, loss: Float32Array): void {
  const n = rows * classes;
  let total = 0;
  for (let r = 0; r < rows; r++) for (let c = 0; c < classes; c++) {
    const i = r * classes + c;
    const t = c === labels[r] ? 1 : -1;
    const margin = Math.max(0, 1 - t * y[i]!);
    total += margin * margin;
    grad[i] = (-2 * t * margin) / n;
  }
  loss[0] = n === 0 ? 0 : total / n;
}

/** count[0] += rows whose first maximum is not at the label. */
export function countErrors(scores: Float32Array, labels: Int32Array, rows: number, classes: number, count: Int32Array): void {
  const best = new Int32Array(rows);
  argmaxRows(scores, rows, classes, best);
  let wrong = 0;
  for (let r = 0; r < rows; r++) if (best[r] !== labels[r]) wrong++;
  count[0]! += wrong;
}

/** The first maximum of each row (as argmax over the float model's scores). */
export function argmaxRows(x: Float32Array, rows: number, classes: number, out: Int32Array): void {
  for (let r = 0; r < rows; r++) {
    let best = 0;
    for (let c = 1; c < classes; c++) if (x[r * classes + c]! > x[r * classes + best]!) best = c;
    out[r] = best;
  }
}
