import assert from 'node:assert/strict';
import { Random } from '../tensor/random.js';
import { Tensor } from '../tensor/tensor.js';
import { backward } from './backward.js';
import { noGrad } from './grad-mode.js';

export interface GradientCheckOptions {
  /** Finite-difference step. */
  eps?: number;
  /** Allowed |analytic - numeric| / max(1, |numeric|). */
  tolerance?: number;
  /** Kinks of the function: elements within 2·eps of one are skipped (the derivative jumps there). */
  avoid?: number[];
  seed?: number;
}

/** Compare the autograd gradient of every float input with central finite differences of
 *  L = Σ f(inputs) ⊙ r (r random, fixed), which checks the whole Jacobian product. Throws with
 *  the input, element, both values and the seed on a mismatch. Used by the op tests. */
export function checkGradient(f: (inputs: Tensor[]) => Tensor, inputs: Tensor[], opts: GradientCheckOptions = {}): void {
  const eps = opts.eps ?? 1e-2, tolerance = opts.tolerance ?? 2e-2, seed = opts.seed ?? 7;
  // numbers are read and written at the edges (dataSync, write): a synchronous backend only
  const leaves = inputs.map((t) => { const c = new Tensor(Float32Array.from(t.dataSync()), t.shape); c.requiresGrad = true; return c; });
  const out = f(leaves);
  const rng = new Random(seed);
  const r = new Float32Array(out.size).map(() => rng.uniform() * 2 - 1);
  backward(out, new Tensor(r, out.shape));
  const loss = (): number => noGrad(() => {
    const y = f(leaves).dataSync();
    let s = 0;
    for (let i = 0; i < y.length; i++) s += y[i]! * r[i]!;
    return s;
  });
  leaves.forEach((leaf, li) => {
    assert.ok(leaf.grad, `checkGradient: input ${li} got no gradient`);
    const values = Float32Array.from(leaf.dataSync()), grad = leaf.grad.dataSync();
    const at = (i: number, v: number): void => { values[i] = v; leaf.backend.write(leaf.storage, values); };
    for (let i = 0; i < values.length; i++) {
      const x0 = values[i]!;
      if (opts.avoid?.some((k) => Math.abs(x0 - k) < 2 * eps)) continue;
      at(i, x0 + eps); const up = loss();
      at(i, x0 - eps); const down = loss();
      at(i, x0);
      const numeric = (up - down) / (2 * eps), analytic = grad[i]!;
      const err = Math.abs(analytic - numeric) / Math.max(1, Math.abs(numeric));
      assert.ok(err <= tolerance, `checkGradient: input ${li} [${leaf.shape}] element ${i}: analytic ${analytic} vs numeric ${numeric} (seed ${seed})`);
    }
  });
}
