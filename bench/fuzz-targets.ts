// The loaders under fuzzing, each with seed files made by the project itself: packed models
// (.lbit, decodeModel), checkpoints (decodeCheckpoint, then the model and the resume state a
// checkpoint carries), IDX files (parseIdx), CIFAR-10 binary batches and SVHN's MAT-files.
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { crc32 } from '../src/codec/crc32.js';
import { parseCifar10Batch } from '../src/data/cifar10.js';
import { parseIdx } from '../src/data/idx.js';
import { parseMat5 } from '../src/data/mat5.js';
import { svhnFromMat } from '../src/data/svhn.js';
import { compile } from '../src/deploy/compile.js';
import { decodeModel, encodeModel } from '../src/deploy/model-file.js';
import { mnistMlp } from '../src/models/mnist-mlp.js';
import type { Dataset } from '../src/data/dataset.js';
import { Random } from '../src/tensor/random.js';
import { decodeCheckpoint } from '../src/train/checkpoint.js';
import { checkResumeState } from '../src/train/resume-state.js';
import { trainedModelOf } from '../src/train/trained-model.js';
import { fit, type TrainConfig } from '../src/train/trainer.js';
import type { FuzzTarget } from './fuzz-harness.js';
import { concat, type FileFormat } from './fuzz-mutator.js';
import { svhnLike, writeMat5 } from './mat5-writer.js';

const u32 = (b: Uint8Array, at: number): number => (at + 4 <= b.length ? new DataView(b.buffer, b.byteOffset).getUint32(at, true) : 0);
const text = (b: Uint8Array): string => new TextDecoder().decode(b);

/** A file with a JSON header in the layout both lowbit formats share: magic, version, JSON bytes
 *  at 12, payload bytes at 16, CRC-32 at 20 of everything after the 24-byte header, the JSON
 *  padded to `align`, then the payload. */
function jsonHeaderFormat(align: number): FileFormat {
  const HEADER = 24;
  const jsonEnd = (b: Uint8Array): number => HEADER + u32(b, 12);
  const fixChecksum = (b: Uint8Array): Uint8Array => {
    if (b.length < HEADER) return b;
    const out = b.slice();
    new DataView(out.buffer).setUint32(20, crc32(out.subarray(HEADER)), true);
    return out;
  };
  return {
    readJson: (b) => (b.length >= HEADER && jsonEnd(b) <= b.length ? text(b.subarray(HEADER, jsonEnd(b))) : null),
    writeJson: (b, json) => {
      const payload = b.subarray(Math.min(b.length, HEADER + Math.ceil(u32(b, 12) / align) * align));
      const j = new TextEncoder().encode(json), start = HEADER + Math.ceil(j.length / align) * align;
      const out = new Uint8Array(start + payload.length);
      out.set(b.subarray(0, HEADER)); out.set(j, HEADER); out.set(payload, start);
      const view = new DataView(out.buffer);
      view.setUint32(12, j.length, true); view.setUint32(16, payload.length, true);
      return fixChecksum(out);
    },
    fixChecksum,
    headerFields: { offsets: [8, 12, 16], littleEndian: true },
  };
}

/** .lbit: models of 1-bit and k-bit layers. */
export async function modelFileTarget(): Promise<FuzzTarget> {
  const nets = [
    mnistMlp({ width: 16, depth: 1, inputs: 20, classes: 3, seed: 1 }),
    mnistMlp({ width: 8, depth: 2, inputs: 33, classes: 4, seed: 2, bitsW: 2, bitsA: 2 }),
  ];
  return {
    name: '.lbit (decodeModel)', format: jsonHeaderFormat(8),
    seeds: await Promise.all(nets.map(async (n, i) => encodeModel(await compile(n.eval(), { scale: i === 0 ? 'symmetric' : 'unit' })))),
    load: (bytes) => { decodeModel(bytes, 'fuzz.lbit'); },
  };
}

/** 40 random 4×4 images of 3 classes: enough for fit to write real checkpoints. */
function tinyData(seed: number): Dataset {
  const rng = new Random(seed), count = 40;
  return { name: `tiny-${seed}`, images: new Uint8Array(count * 16).map(() => rng.int(256)), labels: Int32Array.from({ length: count }, () => rng.int(3)), count, features: 16, shape: [4, 4, 1] };
}

/** The same checkpoint in the version 1 layout (16-byte header, no sizes, no checksum). */
function asVersion1(v2: Uint8Array): Uint8Array {
  const jsonBytes = u32(v2, 12), json = v2.subarray(24, 24 + jsonBytes), payload = v2.subarray(24 + Math.ceil(jsonBytes / 4) * 4);
  const head = new Uint8Array(16 + Math.ceil(jsonBytes / 4) * 4);
  head.set(v2.subarray(0, 8)); new DataView(head.buffer).setUint32(8, 1, true); new DataView(head.buffer).setUint32(12, jsonBytes, true);
  head.set(json, 16);
  return concat(head, payload);
}

const RESUME_CONFIG: TrainConfig = { experiment: 'fuzz', epochs: 1000, batchSize: 10, lr: 0.01, lrEnd: 0.001, seed: 1, loss: 'squaredHinge', scale: 'symmetric' };

/** Checkpoints: decode, rebuild the model with its weights (what eval and export do), and check
 *  the training state and random stream that resume would use. */
export async function checkpointTarget(): Promise<FuzzTarget> {
  const dir = await mkdtemp(join(tmpdir(), 'lowbit-fuzz-'));
  const seeds: Uint8Array[] = [];
  try {
    const runs = [
      { model: mnistMlp({ width: 8, depth: 1, inputs: 16, classes: 3, seed: 1, stochastic: true, dropoutHidden: 0.1 }), optimizer: 'adam' as const },
      { model: mnistMlp({ width: 6, depth: 1, inputs: 16, classes: 3, seed: 2, bitsW: 2, bitsA: 2, bn: 'shift' }), optimizer: 'shiftAdaMax' as const },
    ];
    for (const [i, { model, optimizer }] of runs.entries()) {
      const out = join(dir, String(i));
      await fit(model, { train: tinyData(1), validation: tinyData(2) }, { ...RESUME_CONFIG, epochs: 1, optimizer }, { outDir: out, meta: { recipe: { experiment: 'fuzz' } } });
      for (const f of ['best.ckpt', 'last.ckpt']) seeds.push(new Uint8Array(await readFile(join(out, f))));
    }
  } finally { await rm(dir, { recursive: true, force: true }); }
  seeds.push(asVersion1(seeds[0]!));
  return {
    name: 'checkpoint (decode, model, resume state)', format: jsonHeaderFormat(4), seeds,
    load: (bytes) => {
      const ckpt = decodeCheckpoint(bytes, 'fuzz.ckpt');
      trainedModelOf(ckpt, 'fuzz.ckpt');
      const state = checkResumeState(ckpt.meta, RESUME_CONFIG);
      Random.fromState(state.rng);
    },
  };
}

/** IDX: image and label files of 1 to 4 dims. */
export function idxTarget(): FuzzTarget {
  const idx = (dims: number[]): Uint8Array => {
    const n = dims.reduce((a, d) => a * d, 1), out = new Uint8Array(4 + 4 * dims.length + n), view = new DataView(out.buffer);
    view.setUint32(0, 0x800 | dims.length);
    dims.forEach((d, i) => view.setUint32(4 + 4 * i, d));
    for (let i = 0; i < n; i++) out[4 + 4 * dims.length + i] = (i * 37) & 0xff;
    return out;
  };
  return {
    name: 'IDX (parseIdx)', format: { headerFields: { offsets: [0, 4, 8, 12, 16], littleEndian: false } },
    seeds: [idx([5, 4, 4]), idx([7]), idx([3, 2, 2, 3]), idx([2, 28, 28])],
    load: (bytes) => { parseIdx(bytes, 'fuzz-idx'); },
  };
}

/** CIFAR-10 binary batches of 1 to 3 records. */
export function cifar10Target(): FuzzTarget {
  const batch = (n: number): Uint8Array => Uint8Array.from({ length: n * 3073 }, (_, k) => (k % 3073 === 0 ? (k / 3073) % 10 : (k * 37) & 0xff));
  return {
    name: 'CIFAR-10 batch (parseCifar10Batch)', format: { headerFields: { offsets: [0, 3073], littleEndian: true } },
    seeds: [batch(1), batch(2), batch(3)],
    load: (bytes) => { parseCifar10Batch(bytes, 'fuzz-batch.bin'); },
  };
}

/** MATLAB 5 MAT-files as SVHN ships them (X, y), plain and compressed, either byte order; the
 *  inflated size is bounded by the file's, as a caller with a memory budget would set it. */
export function svhnTarget(): FuzzTarget {
  return {
    name: 'SVHN MAT-file (parseMat5, svhnFromMat)', format: { headerFields: { offsets: [128, 132, 136, 144, 152, 156, 160, 176, 184, 188], littleEndian: true } },
    seeds: [svhnLike(1), svhnLike(2, { compress: true }), svhnLike(1, { bigEndian: true, yClass: 'uint8' }),
      writeMat5([{ name: 'y', class: 'double', dims: [3, 1], data: [10, 1, 5] }, { name: 'other', class: 'uint8', dims: [2, 2], data: [1, 2, 3, 4] }], { compress: true })],
    load: (bytes) => {
      const arrays = parseMat5(bytes, 'fuzz.mat', { maxInflatedBytes: 16 * bytes.length });
      if (arrays.some((a) => a.name === 'X')) svhnFromMat(arrays, 'fuzz.mat', 'svhn-fuzz');
    },
  };
}

export async function loaderTargets(): Promise<FuzzTarget[]> {
  return [await modelFileTarget(), await checkpointTarget(), idxTarget(), cifar10Target(), svhnTarget()];
}
