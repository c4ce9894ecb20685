import { BatchNorm } from '../../nn/batch-norm.js';
import { Dropout } from '../../nn/dropout.js';
import { Flatten, Unflatten } from '../../nn/flatten.js';
import { HardTanh } from '../../nn/hard-tanh.js';
import { MaxPool2d } from '../../nn/max-pool2d.js';
import type { Module } from '../../nn/module.js';
import { QuantConv2d } from '../../nn/quant-conv2d.js';
import { QuantDense } from '../../nn/quant-dense.js';
import { Sequential } from '../../nn/sequential.js';
import { convGeometry } from '../../ops/conv-geometry.js';
import type { Quantizer } from '../../quant/quantizer.js';
import type { Tensor } from '../../tensor/tensor.js';
import { DeployError } from '../deploy-error.js';
import { OnnxGraph } from './onnx-graph.js';

const layers = (m: Module): Module[] => (m instanceof Sequential ? m.layers.flatMap(layers) : [m]);

/** Whether the model has a convolution (exportOnnx then lays out a conv graph). */
export const hasConv = (model: Module): boolean => layers(model).some((m) => m instanceof QuantConv2d);

const read = async (t: Tensor): Promise<Float32Array> => Float32Array.from(await t.data());

/** What flows between layers: an NCHW image, or flat features. `nchwOrder` marks features
 *  flattened from NCHW [c, h, w] while training flattens NHWC: the next dense layer's weight rows
 *  are permuted to match, so no Transpose runs. */
type Value = { name: string; image: { c: number; h: number; w: number } | null; features: number; nchwOrder: { c: number; h: number; w: number } | null };

/** The graph of a conv net: x [batch, H·W·C] (flat NHWC pixels, as the batches hold them and
 *  Unflatten takes them) → Reshape [batch, H, W, C] → Transpose to NCHW once → per layer:
 *    QuantConv2d: Conv with the binarized weights as ±1 floats [out, C, kh, kw]; a binary input is
 *      signed (Where(Less(y, 0), −1, +1): sign(0) = +1), and its 'same' padding is a Pad with
 *      value +1 before a valid Conv (what training's binary conv pads with, DESIGN.md); a real
 *      input (the first layer's pixels) is zero padded by the Conv itself, as training does;
 *    MaxPool2d: MaxPool; BatchNorm: folded to Mul(γ·invStd) + Add(β − γ·invStd·μ) per channel;
 *    HardTanh: dropped before a sign (sign(clip(y)) = sign(y)), else Clip(−1, 1);
 *    Flatten: Flatten of NCHW, the next dense layer's rows permuted to training's NHWC order;
 *    QuantDense: MatMul with ±1 weights [in, out] (+ bias), as the MLP export; Dropout: skipped.
 *  The last value is 'scores' [batch, classes]. Throws DeployError for any other layer or a
 *  quantizer that is neither binary nor the identity. */
export function convOnnxGraph(model: Module): { graph: OnnxGraph; input: { features: number; shape: number[] }; classes: number } {
  const mods = layers(model).filter((m) => !(m instanceof Dropout)), g = new OnnxGraph();
  const first = mods[0];
  if (!(first instanceof Unflatten) || first.shape.length !== 3) {
    throw new DeployError('exportOnnx: a conv net must start with Unflatten([height, width, channels]) (the conv nets of lowbit\'s model registry do); its input size comes from there');
  }
  const [height, width, channels] = first.shape as [number, number, number];
  const minus = g.float('minus_one', [], () => new Float32Array([-1])), plus = g.float('plus_one', [], () => new Float32Array([1]));
  const zero = g.float('zero', [], () => new Float32Array([0]));
  const nhwc = g.node('Reshape', ['x', g.int64('image_shape', [-1, height, width, channels])], 'image');
  let v: Value = { name: g.node('Transpose', [nhwc], 'image_nchw', { perm: [0, 3, 1, 2] }), image: { c: channels, h: height, w: width }, features: 0, nchwOrder: null };
  let clipPending = false, signs = 0;
  const clip = (i: number) => {
    if (!clipPending) return;
    v = { ...v, name: g.node('Clip', [v.name, minus, plus], `hardtanh${i}`) };
    clipPending = false;
  };
  /** The layer's input quantizer on v: true where it gave ±1. */
  const quantizeInput = (q: Quantizer, i: number, where: string): boolean => {
    if (q.binary) {
      clipPending = false; // sign(clip(y)) = sign(y)
      v = { ...v, name: g.node('Where', [g.node('Less', [v.name, zero], `negative${signs}`), minus, plus], `sign${signs++}`) };
      return true;
    }
    if (q.name !== 'identity') throw new DeployError(`${where}: its input quantizer '${q.name}' is neither binary nor the identity; ONNX export takes binary nets only, the packed .lbit model (compile, lowbit export -o) also runs k-bit ones`);
    clip(i);
    return false;
  };
  const binaryWeights = (q: Quantizer, where: string) => {
    if (!q.binary) throw new DeployError(`${where}: its weights are not binarized (kernelQuantizer '${q.name}'); ONNX export takes binary nets only, the packed .lbit model (compile, lowbit export -o) also runs k-bit ones`);
  };

  for (const [i, m] of mods.entries()) {
    if (i === 0) continue;
    const where = `exportOnnx: layer ${i} (${m.constructor.name})`;
    const image = v.image;
    if (m instanceof QuantConv2d) {
      if (!image) throw new DeployError(`${where}: a convolution after Flatten; convolutions come before the dense layers`);
      if (image.c !== m.inChannels) throw new DeployError(`${where}: takes ${m.inChannels} channels but the layer before gives ${image.c}`);
      binaryWeights(m.kernelQuantizer, where);
      const binaryIn = quantizeInput(m.inputQuantizer, i, where);
      const geo = convGeometry(where, [1, image.h, image.w, image.c], m.kh, m.kw, m.stride, m.padding);
      const pad = (size: number, k: number, before: number, out: number) => [before, Math.max((out - 1) * m.stride + k - size - before, 0)] as const;
      const [top, bottom] = pad(image.h, m.kh, geo.padTop, geo.outH), [left, right] = pad(image.w, m.kw, geo.padLeft, geo.outW);
      const padded = m.padding === 'same' && top + bottom + left + right > 0;
      let x = v.name, pads = [0, 0, 0, 0];
      if (padded && binaryIn) x = g.node('Pad', [x, g.int64(`pads${i}`, [0, 0, top, left, 0, 0, bottom, right]), plus], `padded${i}`);
      else if (padded) pads = [top, left, bottom, right];
      const { outChannels: n, inChannels: c, kh, kw } = m;
      const weight = g.float(`w${i}`, [n, c, kh, kw], async () => {
        const w = await read(m.weight), out = new Float32Array(w.length); // [n, kh, kw, c] → [n, c, kh, kw], as signs
        for (let o = 0; o < n; o++) for (let y = 0; y < kh; y++) for (let z = 0; z < kw; z++) for (let ch = 0; ch < c; ch++) {
          out[((o * c + ch) * kh + y) * kw + z] = w[((o * kh + y) * kw + z) * c + ch]! >= 0 ? 1 : -1; // sign(0) = +1
        }
        return out;
      });
      const inputs = [x, weight, ...(m.bias ? [g.float(`b${i}`, [n], () => read(m.bias!))] : [])];
      v = { ...v, name: g.node('Conv', inputs, `conv${i}`, { kernel_shape: [kh, kw], strides: [m.stride, m.stride], pads }), image: { c: n, h: geo.outH, w: geo.outW } };
    } else if (m instanceof MaxPool2d) {
      if (!image) throw new DeployError(`${where}: a max-pool after Flatten`);
      const geo = convGeometry(where, [1, image.h, image.w, image.c], m.size, m.size, m.stride, 'valid');
      // max commutes with the clamp, so a pending HardTanh stays pending
      v = { ...v, name: g.node('MaxPool', [v.name], `maxpool${i}`, { kernel_shape: [m.size, m.size], strides: [m.stride, m.stride] }), image: { ...image, h: geo.outH, w: geo.outW } };
    } else if (m instanceof BatchNorm) {
      // exactly BatchNorm: a ShiftBatchNorm (a subclass) normalises with powers of two and folds differently
      if (m.constructor !== BatchNorm) throw new DeployError(`${where}: only BatchNorm folds to Mul + Add; ${m.constructor.name} is not exported`);
      const features = image ? image.c : v.features;
      if (m.features !== features) throw new DeployError(`${where}: BatchNorm(${m.features}) after a layer with ${features} ${image ? 'channels' : 'features'}`);
      if (v.nchwOrder) throw new DeployError(`${where}: BatchNorm right after Flatten; put it before Flatten (per channel) or after a dense layer`);
      clip(i);
      const dims = image ? [features, 1, 1] : [features]; // per channel of NCHW, or per feature
      const folded = (async () => {
        const [gamma, beta, mean, invStd] = await Promise.all([m.gamma, m.beta, m.runningMean, m.runningInvStd].map(read)) as [Float32Array, Float32Array, Float32Array, Float32Array];
        const a = Float32Array.from(gamma, (gm, j) => gm * invStd[j]!), b = Float32Array.from(beta, (bt, j) => bt - a[j]! * mean[j]!);
        const bad = [...a, ...b].findIndex((x) => !Number.isFinite(x));
        if (bad >= 0) throw new DeployError(`${where}: unit ${bad % features} has a non-finite BN parameter`);
        return { a, b };
      });
      let cache: Promise<{ a: Float32Array; b: Float32Array }> | null = null;
      const get = () => (cache ??= folded());
      const scaled = g.node('Mul', [v.name, g.float(`bn_scale${i}`, dims, async () => (await get()).a)], `bn_mul${i}`);
      v = { ...v, name: g.node('Add', [scaled, g.float(`bn_shift${i}`, dims, async () => (await get()).b)], `bn${i}`) };
    } else if (m instanceof HardTanh) {
      clip(i);
      clipPending = true;
    } else if (m instanceof Flatten) {
      if (!image) continue; // Flatten of [batch, n] is the identity
      const features = image.c * image.h * image.w;
      if (mods[i + 1] instanceof QuantDense) {
        v = { name: g.node('Flatten', [v.name], `flatten${i}`, { axis: 1 }), image: null, features, nchwOrder: image };
      } else { // back to NHWC so the features are in training's order
        v = { name: g.node('Flatten', [g.node('Transpose', [v.name], `nhwc${i}`, { perm: [0, 2, 3, 1] })], `flatten${i}`, { axis: 1 }), image: null, features, nchwOrder: null };
      }
    } else if (m instanceof QuantDense) {
      if (image) throw new DeployError(`${where}: a dense layer on an image; put Flatten before it`);
      if (m.inFeatures !== v.features) throw new DeployError(`${where}: takes ${m.inFeatures} features but the layer before gives ${v.features}`);
      binaryWeights(m.kernelQuantizer, where);
      quantizeInput(m.inputQuantizer, i, where);
      const k = m.inFeatures, n = m.outFeatures, order = v.nchwOrder;
      const weight = g.float(`w${i}`, [k, n], async () => {
        const w = await read(m.weight), out = new Float32Array(k * n);
        for (let p = 0; p < k; p++) {
          // row p of the product is feature p of the NCHW flatten, feature q of training's NHWC one
          const q = order ? ((p % (order.h * order.w)) * order.c + Math.floor(p / (order.h * order.w))) : p;
          for (let j = 0; j < n; j++) out[p * n + j] = w[j * k + q]! >= 0 ? 1 : -1; // sign(0) = +1
        }
        return out;
      });
      let y = g.node('MatMul', [v.name, weight], `matmul${i}`);
      if (m.bias) y = g.node('Add', [y, g.float(`b${i}`, [n], () => read(m.bias!))], `bias${i}`);
      v = { name: y, image: null, features: n, nchwOrder: null };
    } else {
      throw new DeployError(`${where}: ONNX export of conv nets takes Unflatten, QuantConv2d, MaxPool2d, BatchNorm, HardTanh, Flatten, QuantDense and Dropout layers only`);
    }
  }
  clip(mods.length);
  if (v.image) throw new DeployError('exportOnnx: the net ends on an image; it must end with a dense layer giving the scores (Flatten, QuantDense)');
  g.rename(v.name, 'scores');
  return { graph: g, input: { features: height * width * channels, shape: [height, width, channels] }, classes: v.features };
}
