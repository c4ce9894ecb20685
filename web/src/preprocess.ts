/** A drawing as MNIST would have it (LeCun et al.: each digit's bounding box scaled to fit 20×20
 *  pixels, keeping its aspect ratio, by area averaging, then placed in 28×28 so that its centre
 *  of mass is the image centre). Input: one ink value 0..255 per canvas pixel, row after row;
 *  output: 784 bytes, 0 background, 255 ink. All zeros when nothing is drawn. */
export function toMnist(ink: Uint8Array | Uint8ClampedArray, width: number, height: number): Uint8Array {
  const out = new Uint8Array(28 * 28);
  let x0 = width, y0 = height, x1 = -1, y1 = -1;
  for (let y = 0; y < height; y++) for (let x = 0; x < width; x++) {
    if (ink[y * width + x]! > 0) { x0 = Math.min(x0, x); x1 = Math.max(x1, x); y0 = Math.min(y0, y); y1 = Math.max(y1, y); }
  }
  if (x1 < 0) return out;
  const bw = x1 - x0 + 1, bh = y1 - y0 + 1, scale = 20 / Math.max(bw, bh);
  const w = Math.max(1, Math.round(bw * scale)), h = Math.max(1, Math.round(bh * scale));
  // area average: each small pixel is the mean of the canvas pixels it covers
  const small = new Float64Array(w * h);
  for (let j = 0; j < h; j++) for (let i = 0; i < w; i++) {
    const sx0 = x0 + Math.floor((i * bw) / w), sx1 = x0 + Math.max(Math.floor(((i + 1) * bw) / w), Math.floor((i * bw) / w) + 1);
    const sy0 = y0 + Math.floor((j * bh) / h), sy1 = y0 + Math.max(Math.floor(((j + 1) * bh) / h), Math.floor((j * bh) / h) + 1);
    let sum = 0;
    for (let y = sy0; y < sy1; y++) for (let x = sx0; x < sx1; x++) sum += ink[y * width + x]!;
    small[j * w + i] = sum / ((sx1 - sx0) * (sy1 - sy0));
  }
  let mass = 0, mx = 0, my = 0;
  for (let j = 0; j < h; j++) for (let i = 0; i < w; i++) { const v = small[j * w + i]!; mass += v; mx += v * i; my += v * j; }
  // shift so the centre of mass lands on (13.5, 13.5), the middle of the 28×28 grid, kept inside it
  const ox = Math.min(28 - w, Math.max(0, Math.round(13.5 - mx / mass))), oy = Math.min(28 - h, Math.max(0, Math.round(13.5 - my / mass)));
  for (let j = 0; j < h; j++) for (let i = 0; i < w; i++) out[(oy + j) * 28 + ox + i] = Math.min(255, Math.round(small[j * w + i]!));
  return out;
}
