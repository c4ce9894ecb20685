import assert from 'node:assert/strict';
import { test } from 'node:test';
import { toMnist } from './preprocess.js';

function canvas(width: number, height: number, fill: (x: number, y: number) => boolean): Uint8Array {
  const ink = new Uint8Array(width * height);
  for (let y = 0; y < height; y++) for (let x = 0; x < width; x++) if (fill(x, y)) ink[y * width + x] = 255;
  return ink;
}

const box = (img: Uint8Array) => {
  const on = [...img.keys()].filter((i) => img[i]! > 0);
  return { x0: Math.min(...on.map((i) => i % 28)), x1: Math.max(...on.map((i) => i % 28)), y0: Math.min(...on.map((i) => Math.floor(i / 28))), y1: Math.max(...on.map((i) => Math.floor(i / 28))) };
};

test('toMnist: a tall stroke in a corner becomes 20 rows tall, centred, its width scaled alike', () => {
  // 20 px wide, 200 px tall, at the top left of a 280 × 280 canvas: scale 0.1 → 2 × 20
  const img = toMnist(canvas(280, 280, (x, y) => x >= 10 && x < 30 && y >= 5 && y < 205), 280, 280);
  assert.deepEqual(box(img), { x0: 13, x1: 14, y0: 4, y1: 23 });
  assert.ok(img.every((v) => v === 0 || v === 255), 'whole canvas pixels average to full ink');
});

test('toMnist: the centre of mass goes to the middle; partial cover averages; nothing drawn gives zeros', () => {
  // a 100 × 100 square whose right half is ink: 20 × 20, mass at column 15 of it → shifted left
  const img = toMnist(canvas(200, 200, (x, y) => x >= 50 && x < 150 && y >= 50 && y < 150 && (x >= 100 || (x + y) % 2 === 0)), 200, 200);
  let mass = 0, mx = 0;
  img.forEach((v, i) => { mass += v; mx += v * (i % 28); });
  assert.ok(Math.abs(mx / mass - 13.5) <= 0.5, `centre of mass at column ${mx / mass}`);
  assert.ok(img.some((v) => v > 100 && v < 155), 'a half-inked area averages to about half');
  assert.deepEqual(toMnist(new Uint8Array(100), 10, 10), new Uint8Array(784));
});
