/** Two builds of lowbit side by side in one run: the training step (bench/training-step.js: forward
 *  + loss, backward, Adam on the 784-2048x3-10 BNN, batch 100, wasm) of each, taking turns A B A B …
 *  so drift on a shared machine hits both alike, and the same short MNIST run of each, whose
 *  metrics must be identical. Each build is a checkout whose `dist/` is built.
 *  Run: node dist/bench/compare-builds.js BEFORE_DIR AFTER_DIR [rounds]
 *  Writes bench/results/compare-builds.{json,md}. */
import { execFileSync } from 'node:child_process';
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
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

const phases = ['forward', 'backward', 'adam', 'total'] as const;
const samples = { before: [] as Record<string, number>[], after: [] as Record<string, number>[] };
for (let r = 0; r < rounds; r++) {
  for (const which of ['before', 'after'] as const) samples[which].push(step(builds[which]));
  console.error(`round ${r + 1}/${rounds}: total ${samples.before.at(-1)!.total} ms before, ${samples.after.at(-1)!.total} ms after`);
}
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
await writeFile('bench/results/compare-builds.json', JSON.stringify({ ...info, builds, rounds, samples, medians, ratios: Object.fromEntries(phases.map((p, i) => [p, ratios[i]])), metrics, sameMetrics: same }, null, 2) + '\n');
const rows = phases.map((p, i) => `| ${p} | ${medians.before[p]!.toFixed(1)} | ${medians.after[p]!.toFixed(1)} | ${ratios[i]!.toFixed(3)} |`);
const md = [`# Two builds side by side: training step and a short MNIST run`, '',
  `${JSON.stringify(info)}`, '', `Builds: before \`${builds.before}\`, after \`${builds.after}\`; ${rounds} rounds, turns alternate.`, '',
  '| training step phase (784-2048x3-10 BNN, batch 100, wasm) | before ms (median) | after ms (median) | after/before (median of paired ratios) |', '|---|---|---|---|', ...rows, '',
  `Short run (mnist-mlp, width 256, depth 2, 2 epochs, 2,000 images, seed 1): metrics (loss, errors, lr per epoch, timing left out) ${same ? 'identical' : 'DIFFER'}.`, '',
  '```', metrics['after'], '```', ''].join('\n');
await writeFile('bench/results/compare-builds.md', md);
console.log(md);
