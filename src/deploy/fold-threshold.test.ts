import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Random } from '../tensor/random.js';
import { ALWAYS_MINUS, ALWAYS_PLUS, bnValue, foldThreshold, isPlus, thresholdPlus, type BnParams } from './fold-threshold.js';

const f32 = Math.fround;
const fold = (p: BnParams, k: number) => foldThreshold((s) => isPlus(bnValue(s, p)), -k, k);

test('QNN-SPEC §9.1 example: μ=3.2, σ=2, γ=0.8, β=−0.4 → τ=4.2 → s >= 5', () => {
  const p = { bias: 0, gamma: f32(0.8), mean: f32(3.2), invStd: 0.5, beta: f32(-0.4) };
  assert.deepEqual(fold(p, 16), { threshold: 5, direction: 0 });
});

test('γ < 0 flips the direction, γ = 0 is a constant given by the sign of β', () => {
  const p = { bias: 0, gamma: -0.8, mean: 3.2, invStd: 0.5, beta: -0.4 };
  assert.deepEqual(fold(p, 16), { threshold: 2, direction: 1 }); // τ = μ − β·σ/γ = 2.2: s <= 2
  assert.deepEqual(fold({ ...p, gamma: 0, beta: 0.1 }, 16), ALWAYS_PLUS);
  assert.deepEqual(fold({ ...p, gamma: 0, beta: -0.1 }, 16), ALWAYS_MINUS);
  assert.deepEqual(fold({ ...p, gamma: 0, beta: -0 }, 16), ALWAYS_PLUS); // sign(−0) = +1
});

test('QNN-SPEC §11: 2000 random (s, μ, σ, γ, β, b) cases agree with sign(BN(s)) at every s', () => {
  const rng = new Random(7);
  for (let c = 0; c < 2000; c++) {
    const k = 1 + rng.int(300);
    const p: BnParams = {
      bias: c % 3 === 0 ? f32(rng.normal() * 3) : 0, gamma: c % 50 === 0 ? 0 : f32(rng.normal()),
      mean: f32(rng.normal() * k / 4), invStd: f32(0.01 + rng.uniform()), beta: f32(rng.normal()),
    };
    const t = fold(p, k);
    for (let s = -k; s <= k; s++) {
      assert.equal(thresholdPlus(s, t), isPlus(bnValue(s, p)), `seed 7 case ${c} k=${k} s=${s} ${JSON.stringify(p)}`);
    }
  }
});

test('an integer exactly on τ: float32 rounding decides, and the fold follows the rounding', () => {
  // γ·(s − μ)·invStd + β with μ = 0.1 (not exact in float32): at s = 0, BN gives a value the
  // closed form ceil(τ) would misjudge unless it evaluated the same float32 expression
  const mean = f32(0.1), invStd = f32(1 / 3), beta = f32(mean * invStd);
  const p = { bias: 0, gamma: 1, mean, invStd, beta };
  const t = fold(p, 8);
  for (let s = -8; s <= 8; s++) assert.equal(thresholdPlus(s, t), isPlus(bnValue(s, p)), `s=${s}`);
});
