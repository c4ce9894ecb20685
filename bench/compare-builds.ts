/** Two builds of lowbit side by side in one run, taking turns A B A B … so drift on a shared machine
 *  hits both alike: the training step (bench/training-step.js: forward + loss, backward, Adam on the
 *  784-2048x3-10 BNN, batch 100, wasm), the packed engine (`lowbit bench` on one .lbit of that net:
 *  batch-1 latency and batch-100 throughput, 1 and 2 threads), and the same short MNIST run of each,
 *  whose metrics must be identical. Each build is a checkout whose `dist/` and `build/` are built.
 *  Run: node dist/bench/compare-builds.js BEFORE_DIR AFTER_DIR [rounds]
 *  Writes bench/results/compare-builds.{json,md}. */
import { execFileSync } from 'node:child_process';
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { compile } from '../src/deploy/compile.js';
import { encodeModel } from '../src/deploy/model-file.js';
import { mnistMlp } from '../src/models/mnist-mlp.js';
import { runInfo } from '../src/train/run-info.js';

const [beforeDir, afterDir, roundsArg] = process.argv.slice(2);
if (!beforeDir || !afterDir) { console.error('usage: node dist/bench/compare-builds.js BEFORE_DIR AFTER_DIR [rounds]'); process.exit(2); }
const rounds = Number(roundsArg ?? 5);
const builds = { before: resolve(beforeDir), after: resolve(afterDir) };

function median(xs: number[]): number { const s = [...xs].sort((a, b) => a - b); return s[Math.floor(s.length / 2)]!; }

/** Milliseconds of each phase, from the line the step benchmark prints. */
function step(dir: string): Record<string, number> {
  const out = execFileSync('node', [join(dir, 'dist/bench/training-step.js')], { encoding: 'utf8', env: { ...process.env, BENCH_STEPS: '15' } });
  const line = out.split('\n').find((l) => l.startsWith('training step'))!;
  const num = (name: string) => Number(new RegExp(`${name}\\s+([\\d.]+)`).exec(line)![1]);
  return { forward: num('forward\\+loss'), backward: num('backward'), adam: num('adam'), total: num('total') };
}

/** `lowbit bench --json` of the build on the shared .lbit: per thread count, batch-1 µs and batch-100 images/s. */
function engine(dir: string, model: string): Record<string, number> {
  const out = execFileSync('node', [join(dir, 'bin/lowbit.js'), 'bench', model, '--json'], { encoding: 'utf8' });
  const { results } = JSON.parse(out) as { results: { threads: number; batch1Ms: number; batch100ImagesPerSec: number }[] };
  return Object.fromEntries(results.flatMap((r) => [[`batch1Us@${r.threads}`, r.batch1Ms * 1000], [`batch100PerSec@${r.threads}`, r.batch100ImagesPerSec]]));
}

const phases = ['forward', 'backward', 'adam', 'total'] as const;
const samples = { before: [] as Record<string, number>[], after: [] as Record<string, number>[] };
for (let r = 0; r < rounds; r++) {
  for (const which of ['before', 'after'] as const) samples[which].push(step(builds[which]));
  console.error(`round ${r + 1}/${rounds}: total ${samples.before.at(-1)!.total} ms before, ${samples.after.at(-1)!.total} ms after`);
}
// one random-init 784-2048x3-10 BNN for both engines (the .lbit format is the same in both)
const model = join('/tmp', 'lowbit-compare-2048x3.lbit');
await writeFile(model, encodeModel(await compile(mnistMlp({ width: 2048, depth: 3, seed: 1 }), { scale: 'symmetric' })));
const engines = { before: [] as Record<string, number>[], after: [] as Record<string, number>[] };
for (let r = 0; r < rounds; r++) for (const which of ['before', 'after'] as const) engines[which].push(engine(builds[which], model));
const engineKeys = Object.keys(engines.before[0]!);
const engineMedians = Object.fromEntries((['before', 'after'] as const).map((w) => [w, Object.fromEntries(engineKeys.map((key) => [key, median(engines[w].map((s) => s[key]!))]))])) as Record<'before' | 'after', Record<string, number>>;
const engineRatios = engineKeys.map((key) => median(engines.before.map((b, i) => engines.after[i]![key]! / b[key]!)));

const medians = Object.fromEntries((['before', 'after'] as const).map((w) => [w, Object.fromEntries(phases.map((p) => [p, median(samples[w].map((s) => s[p]!))]))])) as Record<'before' | 'after', Record<string, number>>;
const ratios = phases.map((p) => median(samples.before.map((b, i) => samples.after[i]![p]! / b[p]!)));

// the same short run with each build: 2 epochs of a 784-256x2-10 BNN on 2,000 images, seed 1
const metrics: Record<string, string> = {};
for (const which of ['before', 'after'] as const) {
  const out = join('/tmp', `lowbit-compare-${which}`);
  await rm(out, { recursive: true, force: true });
  execFileSync('node', [join(builds[which], 'bin/lowbit.js'), 'train', 'mnist-mlp', '--width', '256', '--depth', '2', '--epochs', '2', '--limit', '2000', '--seed', '1', '-o', out],
    { stdio: ['ignore', 'ignore', 'inherit'] });
  metrics[which] = (await readFile(join(out, 'metrics.jsonl'), 'utf8')).split('\n').filter(Boolean)
    .map((l) => { const { seconds: _s, samplesPerSec: _r, ...m } = JSON.parse(l) as Record<string, number>; return JSON.stringify(m); }).join('\n');
}
const same = metrics['before'] === metrics['after'];

const info = runInfo();
await mkdir('bench/results', { recursive: true });
await writeFile('bench/results/compare-builds.json', JSON.stringify({ ...info, builds, rounds, samples, medians, ratios: Object.fromEntries(phases.map((p, i) => [p, ratios[i]])),
  engines, engineMedians, engineRatios: Object.fromEntries(engineKeys.map((key, i) => [key, engineRatios[i]])), metrics, sameMetrics: same }, null, 2) + '\n');
const engineRows = engineKeys.map((key, i) => `| ${key.replace('batch1Us@', 'batch-1 µs, threads ').replace('batch100PerSec@', 'batch-100 images/s, threads ')} | ${engineMedians.before[key]!.toFixed(0)} | ${engineMedians.after[key]!.toFixed(0)} | ${engineRatios[i]!.toFixed(3)} |`);
const rows = phases.map((p, i) => `| ${p} | ${medians.before[p]!.toFixed(1)} | ${medians.after[p]!.toFixed(1)} | ${ratios[i]!.toFixed(3)} |`);
const md = [`# Two builds side by side: training step and a short MNIST run`, '',
  `${JSON.stringify(info)}`, '', `Builds: before \`${builds.before}\`, after \`${builds.after}\`; ${rounds} rounds, turns alternate.`, '',
  '| training step phase (784-2048x3-10 BNN, batch 100, wasm) | before ms (median) | after ms (median) | after/before (median of paired ratios) |', '|---|---|---|---|', ...rows, '',
  '| packed engine (784-2048x3-10, random bytes, `lowbit bench`) | before (median) | after (median) | after/before (median of paired ratios) |', '|---|---|---|---|', ...engineRows, '',
  `Short run (mnist-mlp, width 256, depth 2, 2 epochs, 2,000 images, seed 1): metrics (loss, errors, lr per epoch, timing left out) ${same ? 'identical' : 'DIFFER'}.`, '',
  '```', metrics['after'], '```', ''].join('\n');
await writeFile('bench/results/compare-builds.md', md);
console.log(md);
