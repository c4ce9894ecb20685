/** Mean softmax cross-entropy over rows (log-sum-exp shifted by the row max for stability). */
export function softmaxCrossEntropy(logits: Float32Array, labels: Int32Array, rows: number, classes: number, grad: Float32Array | null): number {
  let total = 0;
  for (let r = 0; r < rows; r++) {
    let max = -Infinity;
    for (let c = 0; c < classes; c++) max = Math.max(max, logits[r * classes + c]!);
    let sum = 0;
    for (let c = 0; c < classes; c++) sum += Math.exp(logits[r * classes + c]! - max);
    const label = labels[r]!;
    total += Math.log(sum) + max - logits[r * classes + label]!;
    if (grad) for (let c = 0; c < classes; c++) {
      grad[r * classes + c] = (Math.exp(logits[r * classes + c]! - max) / sum - (c === label ? 1 : 0)) / rows;
    }
  }
  return rows === 0 ? 0 : total / rows;
}

/** Mean over rows×classes of max(0, 1 - t·y)², t = +1 for the label's class, -1 elsewhere. */
export function squaredHinge(y: Float32Array, labels: Int32Array, rows: number, classes: number, grad: Float32Array | null): number {
  const n = rows * classes;
  let total = 0;
  for (let r = 0; r < rows; r++) for (let c = 0; c < classes; c++) {
    const i = r * classes + c;
    const t = c === labels[r] ? 1 : -1;
    const margin = Math.max(0, 1 - t * y[i]!);
    total += margin * margin;
    if (grad) grad[i] = (-2 * t * margin) / n;
  }
  return n === 0 ? 0 : total / n;
}
