/** Recurrent-net kernels: embedding rows, σ and tanh, and the LSTM and GRU cells, one loop each.
 *  Gate blocks are [batch, G·hidden]: LSTM [i f g o], GRU [r z n] side by side in each row. */

export function embeddingGather(table: Float32Array, ids: Int32Array, out: Float32Array, n: number, dim: number): void {
  for (let r = 0; r < n; r++) out.set(table.subarray(ids[r]! * dim, ids[r]! * dim + dim), r * dim);
}

export function embeddingScatterAdd(dy: Float32Array, ids: Int32Array, dtable: Float32Array, n: number, dim: number): void {
  for (let r = 0; r < n; r++) for (let j = 0; j < dim; j++) dtable[ids[r]! * dim + j]! += dy[r * dim + j]!;
}

const sig = (x: number): number => 1 / (1 + Math.exp(-x));

export function sigmoid(x: Float32Array, out: Float32Array): void {
  for (let i = 0; i < x.length; i++) out[i] = sig(x[i]!);
}

export function tanh(x: Float32Array, out: Float32Array): void {
  for (let i = 0; i < x.length; i++) out[i] = Math.tanh(x[i]!);
}

export function sigmoidBackward(dy: Float32Array, y: Float32Array, dx: Float32Array): void {
  for (let i = 0; i < y.length; i++) dx[i] = dy[i]! * y[i]! * (1 - y[i]!);
}

export function tanhBackward(dy: Float32Array, y: Float32Array, dx: Float32Array): void {
  for (let i = 0; i < y.length; i++) dx[i] = dy[i]! * (1 - y[i]! * y[i]!);
}

/** Gate g of an LSTM row (column block 2) takes tanh, the others σ. */
export function lstmGates(pre: Float32Array, out: Float32Array, batch: number, hidden: number): void {
  for (let b = 0; b < batch; b++) for (let j = 0; j < 4 * hidden; j++) {
    const at = b * 4 * hidden + j, x = pre[at]!;
    out[at] = Math.floor(j / hidden) === 2 ? Math.tanh(x) : sig(x);
  }
}

export function lstmGatesBackward(dy: Float32Array, y: Float32Array, dx: Float32Array, batch: number, hidden: number): void {
  for (let b = 0; b < batch; b++) for (let j = 0; j < 4 * hidden; j++) {
    const at = b * 4 * hidden + j, v = y[at]!;
    dx[at] = dy[at]! * (Math.floor(j / hidden) === 2 ? 1 - v * v : v * (1 - v));
  }
}

export function lstmCellState(gates: Float32Array, cPrev: Float32Array, c: Float32Array, batch: number, hidden: number): void {
  for (let b = 0; b < batch; b++) for (let j = 0; j < hidden; j++) {
    const g = b * 4 * hidden + j, at = b * hidden + j;
    c[at] = gates[g + hidden]! * cPrev[at]! + gates[g]! * gates[g + 2 * hidden]!;
  }
}

export function lstmCellStateBackward(dc: Float32Array, gates: Float32Array, cPrev: Float32Array, dGates: Float32Array,
  dcPrev: Float32Array, batch: number, hidden: number): void {
  for (let b = 0; b < batch; b++) for (let j = 0; j < hidden; j++) {
    const g = b * 4 * hidden + j, at = b * hidden + j, d = dc[at]!;
    dGates[g] = d * gates[g + 2 * hidden]!;
    dGates[g + hidden] = d * cPrev[at]!;
    dGates[g + 2 * hidden] = d * gates[g]!;
    dGates[g + 3 * hidden] = 0;
    dcPrev[at] = d * gates[g + hidden]!;
  }
}

export function lstmHidden(gates: Float32Array, c: Float32Array, h: Float32Array, batch: number, hidden: number): void {
  for (let b = 0; b < batch; b++) for (let j = 0; j < hidden; j++) {
    const at = b * hidden + j;
    h[at] = gates[b * 4 * hidden + 3 * hidden + j]! * Math.tanh(c[at]!);
  }
}

export function lstmHiddenBackward(dh: Float32Array, gates: Float32Array, c: Float32Array, dGates: Float32Array, dc: Float32Array,
  batch: number, hidden: number): void {
  for (let b = 0; b < batch; b++) for (let j = 0; j < hidden; j++) {
    const g = b * 4 * hidden + j, at = b * hidden + j, t = Math.tanh(c[at]!), o = gates[g + 3 * hidden]!;
    dGates[g] = 0; dGates[g + hidden] = 0; dGates[g + 2 * hidden] = 0;
    dGates[g + 3 * hidden] = dh[at]! * t;
    dc[at] = dh[at]! * o * (1 - t * t);
  }
}

export function gruGates(xp: Float32Array, hp: Float32Array, out: Float32Array, batch: number, hidden: number): void {
  for (let b = 0; b < batch; b++) for (let j = 0; j < hidden; j++) {
    const r = b * 3 * hidden + j, z = r + hidden, n = r + 2 * hidden;
    const rv = sig(xp[r]! + hp[r]!);
    out[r] = rv;
    out[z] = sig(xp[z]! + hp[z]!);
    out[n] = Math.tanh(xp[n]! + rv * hp[n]!);
  }
}

export function gruGatesBackward(dy: Float32Array, gates: Float32Array, hp: Float32Array, dxp: Float32Array, dhp: Float32Array,
  batch: number, hidden: number): void {
  for (let b = 0; b < batch; b++) for (let j = 0; j < hidden; j++) {
    const r = b * 3 * hidden + j, z = r + hidden, n = r + 2 * hidden;
    const rv = gates[r]!, zv = gates[z]!, nv = gates[n]!;
    const dn = dy[n]! * (1 - nv * nv); // through tanh: d(xn + r·hn)
    const dr = (dy[r]! + dn * hp[n]!) * rv * (1 - rv);
    const dz = dy[z]! * zv * (1 - zv);
    dxp[r] = dr; dhp[r] = dr;
    dxp[z] = dz; dhp[z] = dz;
    dxp[n] = dn; dhp[n] = dn * rv;
  }
}

export function gruHidden(gates: Float32Array, hPrev: Float32Array, h: Float32Array, batch: number, hidden: number): void {
  for (let b = 0; b < batch; b++) for (let j = 0; j < hidden; j++) {
    const g = b * 3 * hidden + j, at = b * hidden + j, z = gates[g + hidden]!;
    h[at] = (1 - z) * gates[g + 2 * hidden]! + z * hPrev[at]!;
  }
}

export function gruHiddenBackward(dh: Float32Array, gates: Float32Array, hPrev: Float32Array, dGates: Float32Array, dhPrev: Float32Array,
  batch: number, hidden: number): void {
  for (let b = 0; b < batch; b++) for (let j = 0; j < hidden; j++) {
    const g = b * 3 * hidden + j, at = b * hidden + j, z = gates[g + hidden]!, d = dh[at]!;
    dGates[g] = 0;
    dGates[g + hidden] = d * (hPrev[at]! - gates[g + 2 * hidden]!);
    dGates[g + 2 * hidden] = d * (1 - z);
    dhPrev[at] = d * z;
  }
}
