// Conv-net inference benchmark: lowbit's packed engine (public API: compile → PackedEngine.run on
// raw uint8 pixels) against onnxruntime-node running the float32 ONNX export of the same net
// (exportOnnx), same thread count, side by side in one run on this machine.
// Nets: cifar10-cnv and cifar10-binarynet with random weights (seed 1; speed does not depend on the
// weight values for ORT; see the notes for lowbit). Inputs: random bytes.
// Where compile() refuses conv nets (DeployError) the lowbit rows say "not available" and only
// the ORT side runs. Writes bench/results/conv-inference.json and .md.
// With --trained CHECKPOINT: that trained cifar10-cnv instead, on the first CIFAR-10 test images
// (the bit densities a trained net sees, which the packed layers' speed depends on); writes
// bench/results/conv-inference-trained.json and .md.
// Run: npx tsc -p tsconfig.json && node dist/bench/conv-inference.js [--trained CHECKPOINT] [--note TEXT]
// (--note: one more line for the notes, e.g. what else was running on the machine)
import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { availableParallelism, cpus, loadavg } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import ort from 'onnxruntime-node';
import { initDefaultBackend } from '../src/backends/default-backend.js';
import { loadCifar10 } from '../src/data/cifar10.js';
import type { PixelScale } from '../src/data/batches.js';
import { compile } from '../src/deploy/compile.js';
import { DeployError } from '../src/deploy/deploy-error.js';
import { PackedEngine } from '../src/deploy/engine.js';
import { exportOnnx } from '../src/deploy/onnx/export-onnx.js';
import { cifar10BinaryNet, cifar10Cnv } from '../src/models/conv-nets.js';
import { BatchNorm } from '../src/nn/batch-norm.js';
import type { Module } from '../src/nn/module.js';
import { Sequential } from '../src/nn/sequential.js';
import { Random } from '../src/tensor/random.js';
import { loadTrainedModel } from '../src/train/trained-model.js';

/** A net to time: its model (eval mode), its pixel scale, its inputs. */
interface Net { name: string; model: Module; scale: PixelScale; one: Inputs; hundred: Inputs }
interface Inputs { pixels: Uint8Array; x: Float32Array }
const THREADS = [1, 2];
/** A batch-1 call "alone" comes this long after the last: every thread (ours spin some tens of
 *  microseconds, ORT's some more) has gone to sleep. */
const IDLE_MS = 10;
const IDLE_RUNS = 15;
const PIXELS = 32 * 32 * 3;
const root = fileURLToPath(new URL('../../', import.meta.url)); // runs as dist/bench/conv-inference.js
type Threaded = { setThreads(n: number): Promise<void>; shared: boolean; name: string };

/** Median ms of each (async) call, warm: the calls take turns in blocks of `block` runs and the
 *  first run of a block is not counted, so each side is timed with its threads awake (a side
 *  whose turn has just ended leaves its threads spinning or asleep, which a strict one-by-one
 *  alternation would charge to the other), and both still see the same load. One warm-up each,
 *  then at least minRuns counted runs and minMs in total. */
async function medians(fns: (() => unknown)[], block: number, minRuns: number, minMs: number): Promise<number[]> {
  for (const fn of fns) await fn();
  const times: number[][] = fns.map(() => []), start = performance.now();
  while (times[0]!.length < minRuns || performance.now() - start < minMs) {
    for (const [i, fn] of fns.entries()) {
      for (let r = 0; r < block; r++) { const t = performance.now(); await fn(); if (r > 0) times[i]!.push(performance.now() - t); }
    }
  }
  return times.map(median);
}

/** Median ms of each call made alone: after IDLE_MS of nothing (a request that comes by itself,
 *  when every thread has gone to sleep), the calls taking turns. */
async function idleMedians(fns: (() => unknown)[], runs: number): Promise<number[]> {
  const times: number[][] = fns.map(() => []);
  for (let r = 0; r < runs; r++) {
    for (const [i, fn] of fns.entries()) {
      await new Promise((done) => setTimeout(done, IDLE_MS));
      const t = performance.now(); await fn(); times[i]!.push(performance.now() - t);
    }
  }
  return times.map(median);
}

function median(ts: number[]): number { return ts.sort((a, b) => a - b)[ts.length >> 1]!; }

/** The first BN's mean moved half a step of the first conv's pre-activation grid (multiples of
 *  1/255 on 'symmetric' pixels) off 0: with the default mean 0 a padded window's exact sum can
 *  be 0, right on the threshold, where the float sum's rounding decides the sign (pixel-dot.ts),
 *  and a random net carries such a flip to other classes. Speed does not depend on it. */
function offTies(model: Module): Module {
  const flat = (m: Module): Module[] => (m instanceof Sequential ? m.layers.flatMap(flat) : [m]);
  const bn = flat(model).find((m): m is BatchNorm => m instanceof BatchNorm);
  bn?.runningMean.write(new Float32Array(bn.features).fill(0.5 / 255));
  return model;
}

/** The pixels and the float input the export reads ('symmetric': 2p/255 − 1; 'unit': p/255). */
function inputsOf(pixels: Uint8Array, scale: PixelScale): Inputs {
  return { pixels, x: Float32Array.from(pixels, (p) => (scale === 'symmetric' ? (2 * p) / 255 - 1 : p / 255)) };
}
const randomPixels = (batch: number): Uint8Array => {
  const rng = new Random(1);
  return new Uint8Array(batch * PIXELS).map(() => rng.int(256));
};

/** The random-init nets on random bytes, or the trained CNV of --trained on CIFAR-10 test images. */
async function nets(trained: string | null): Promise<Net[]> {
  if (trained === null && process.argv.includes('--trained')) throw new Error('usage: conv-inference [--trained CHECKPOINT] [--note TEXT]');
  if (trained === null) {
    return ([['cifar10-cnv', cifar10Cnv({ seed: 1 })], ['cifar10-binarynet', cifar10BinaryNet({ seed: 1 })]] as const).map(([name, m]) => ({
      name, model: offTies(m.eval()), scale: 'symmetric', one: inputsOf(randomPixels(1), 'symmetric'), hundred: inputsOf(randomPixels(100), 'symmetric'),
    }));
  }
  const { model, scale } = await loadTrainedModel(trained);
  const images = (await loadCifar10()).test.images;
  if (images.length < 100 * PIXELS) throw new Error(`${trained}: expected 32 x 32 x 3 CIFAR-10 test images`);
  return [{
    name: 'cifar10-cnv (trained)', model: model.eval(), scale,
    one: inputsOf(images.slice(0, PIXELS), scale), hundred: inputsOf(images.slice(0, 100 * PIXELS), scale),
  }];
}

const argmax = (s: Float32Array, i: number, classes: number) => {
  let best = 0;
  for (let c = 1; c < classes; c++) if (s[i * classes + c]! > s[i * classes + best]!) best = c;
  return best;
};

interface Row {
  net: string; threads: number;
  /** Batch-1 latency warm (runs back to back) and alone (after IDLE_MS idle), batch-100 throughput. */
  ortBatch1Us: number; ortAloneUs: number; ortBatch100PerSec: number;
  /** null: lowbit's compile() refused the net (lowbitNote says why). */
  lowbitBatch1Us: number | null; lowbitAloneUs: number | null; lowbitBatch100PerSec: number | null;
  /** Of the 100 images, how many lowbit and ORT classify alike (null without lowbit). */
  samePredictions: number | null;
}

export async function benchConvInference(): Promise<void> {
  const loadBefore = loadavg()[0]!, started = performance.now();
  const k = await initDefaultBackend() as Partial<Threaded> & { name: string };
  const threaded = typeof k.setThreads === 'function' && k.shared === true;
  const rows: Row[] = [], files: Record<string, unknown>[] = [], lowbitNotes: string[] = [];
  const trained = argAfter('--trained');
  for (const { name: net, model, scale, one, hundred } of await nets(trained)) {
    const onnx = await exportOnnx(model, { scale });
    let engine: PackedEngine | null = null;
    try {
      engine = new PackedEngine(await compile(model, { scale }));
    } catch (e) {
      if (!(e instanceof DeployError)) throw e;
      lowbitNotes.push(`${net}: not available: compile() refused it (${e.message})`);
    }
    files.push({ net, onnxBytes: onnx.length });
    for (const threads of THREADS) {
      if (threaded) await k.setThreads!(threads);
      const s = await ort.InferenceSession.create(onnx, { intraOpNumThreads: threads, interOpNumThreads: 1, executionMode: 'sequential', graphOptimizationLevel: 'all' });
      const t1 = new ort.Tensor('float32', one.x, [1, PIXELS]), t100 = new ort.Tensor('float32', hundred.x, [100, PIXELS]);
      // the lowbit engine's threads are the backend's: with no thread setting it runs 1 thread only
      const e = engine && (threaded || threads === 1) ? engine : null;
      const batch1 = [() => s.run({ x: t1 }), ...(e ? [() => e.run(one.pixels, 1)] : [])];
      const one1 = await medians(batch1, 10, 20, 3000);
      const alone = await idleMedians(batch1, IDLE_RUNS);
      const all100 = await medians([() => s.run({ x: t100 }), ...(e ? [() => e.run(hundred.pixels, 100)] : [])], 3, 6, 6000);
      const row: Row = {
        net, threads, ortBatch1Us: 1000 * one1[0]!, ortAloneUs: 1000 * alone[0]!, ortBatch100PerSec: 100_000 / all100[0]!,
        lowbitBatch1Us: null, lowbitAloneUs: null, lowbitBatch100PerSec: null, samePredictions: null,
      };
      if (e) {
        row.lowbitBatch1Us = 1000 * one1[1]!;
        row.lowbitAloneUs = 1000 * alone[1]!;
        row.lowbitBatch100PerSec = 100_000 / all100[1]!;
        const ours = await e.run(hundred.pixels, 100), theirs = (await s.run({ x: t100 })).scores!.data as Float32Array;
        const classes = theirs.length / 100;
        row.samePredictions = Array.from({ length: 100 }, (_, i) => Number(argmax(ours, i, classes) === argmax(theirs, i, classes))).reduce((a, b) => a + b, 0);
      }
      await s.release();
      rows.push(row);
      console.error(JSON.stringify(row));
    }
    engine?.dispose();
  }
  const machine = {
    cpu: cpus()[0]?.model ?? 'unknown', cores: availableParallelism(), node: process.version, onnxruntime: ort.env.versions?.common ?? 'unknown',
    date: new Date().toISOString(), commit: gitCommit(), lowbitBackend: k.name + (threaded ? ' (setThreads(1|2))' : ' (no thread setting: lowbit rows for 1 thread only)'),
    loadAverage1m: `${loadBefore.toFixed(2)} before, ${loadavg()[0]!.toFixed(2)} after`, runSeconds: Math.round((performance.now() - started) / 1000),
  };
  const notes = [
    trained === null
      ? 'Random-init nets (seed 1, default BN: mean 0, invStd 1, γ 1, β 0, except the first BN\'s mean 0.5/255: see offTies), exported and compiled exactly as trained ones. ORT\'s float work does not depend on the weight values; lowbit\'s packed layers may run faster or slower with a trained net\'s activations (bit-sliced counting reads the rarer bit value).'
      : `The trained cifar10-cnv of ${trained} (its own pixel scale), exported and compiled; inputs the first 1 and 100 CIFAR-10 test images, so lowbit's packed layers see the bit densities of real activations.`,
    'onnxruntime-node: float32 ONNX export (exportOnnx: ±1 weights as floats in Conv/MatMul, +1 Pad before binary convs, BN folded to Mul+Add, sign as Less+Where, MaxPool), intraOpNumThreads = threads, interOpNumThreads 1, sequential, graph optimisation all; input the pixels scaled x = 2p/255 − 1.',
    'lowbit: PackedEngine.run on raw uint8 pixels (public API: compile → PackedEngine), backend ' + k.name + '.',
    ...lowbitNotes,
    (trained === null ? 'Inputs: random bytes (each pixel drawn from 0..255). ' : '') + 'Times are medians of repeated runs after a warm-up, ORT and lowbit taking turns in blocks (so both see the same load), the first run of each block not counted (so each side is timed warm, its threads awake): batch-1 latency per call (blocks of 10, at least 20 counted runs and 3 s), batch-100 throughput in images/s (blocks of 3, at least 6 counted runs and 6 s). "Alone": batch-1 latency of a call ' + String(IDLE_MS) + ' ms after the last one (every thread asleep: a request that comes by itself), median of ' + String(IDLE_RUNS) + ', the sides taking turns.',
    'The machine is shared: loadAverage1m (on ' + String(availableParallelism()) + ' cores) says how busy it was. A load above the core count slows every row and makes the 2-thread rows say little about an idle machine.',
    ...noteArgs(),
  ];
  const out = trained === null ? 'bench/results/conv-inference' : 'bench/results/conv-inference-trained';
  writeFileSync(join(root, `${out}.json`), JSON.stringify({ machine, notes, rows, files }, null, 2) + '\n');
  const md = markdown(machine, notes, rows, files);
  writeFileSync(join(root, `${out}.md`), md);
  console.log(md);
}

function noteArgs(): string[] {
  const note = argAfter('--note');
  return note === null ? [] : [note];
}

/** The value after a flag, or null. */
function argAfter(flag: string): string | null {
  const at = process.argv.indexOf(flag);
  return at >= 0 && process.argv[at + 1] ? process.argv[at + 1]! : null;
}

function gitCommit(): string {
  try { return execFileSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: root, encoding: 'utf8' }).trim(); } catch { return 'unknown'; }
}

function markdown(machine: Record<string, unknown>, notes: string[], rows: Row[], files: Record<string, unknown>[]): string {
  const f = (x: number | null, d = 0) => (x === null ? 'not available' : x.toFixed(d));
  const ratio = (a: number | null, b: number | null) => (a === null || b === null ? '—' : `${(a / b).toFixed(1)}x`);
  return [
    '# Conv-net inference: lowbit packed engine vs onnxruntime-node (float32 ONNX)', '',
    Object.entries(machine).map(([key, v]) => `- ${key}: ${String(v)}`).join('\n'), '',
    '| net | threads | lowbit batch-1 µs | ORT batch-1 µs | latency ratio (ORT / lowbit) | lowbit alone µs | ORT alone µs | ratio alone | lowbit batch-100 img/s | ORT batch-100 img/s | throughput ratio (lowbit / ORT) | same predictions of 100 |',
    '|---|---|---|---|---|---|---|---|---|---|---|---|',
    ...rows.map((r) => `| ${r.net} | ${r.threads} | ${f(r.lowbitBatch1Us)} | ${f(r.ortBatch1Us)} | ${ratio(r.ortBatch1Us, r.lowbitBatch1Us)} | ${f(r.lowbitAloneUs)} | ${f(r.ortAloneUs)} | ${ratio(r.ortAloneUs, r.lowbitAloneUs)} | ${f(r.lowbitBatch100PerSec)} | ${f(r.ortBatch100PerSec)} | ${ratio(r.lowbitBatch100PerSec, r.ortBatch100PerSec)} | ${r.samePredictions ?? '—'} |`),
    '', '| net | .onnx bytes |', '|---|---|',
    ...files.map((x) => `| ${String(x.net)} | ${String(x.onnxBytes)} |`),
    '', ...notes.map((n) => `- ${n}`), '',
  ].join('\n');
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  await benchConvInference();
}
