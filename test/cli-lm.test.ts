import assert from 'node:assert/strict';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { loadCheckpoint, saveCheckpoint } from '../src/train/checkpoint.js';
import type { LmExperimentResult } from '../src/train/lm-run.js';
import { corpus } from './lm-corpus.js';
import { lowbitIn, STACK } from './run-cli.js';

// Language models as a user meets them: train a recipe on a corpus of one's own, resume it, eval
// and sample the run. A tiny model on a tiny synthetic corpus keeps it fast.

const dir = await mkdtemp(join(tmpdir(), 'lowbit-cli-lm-'));
after(() => rm(dir, { recursive: true, force: true }));
const lowbit = lowbitIn(dir);

const data = join(dir, 'corpus'), recipe = join(dir, 'tiny-lm.json');
await mkdir(data);
await writeFile(join(data, 'ptb.train.txt'), corpus(120, 1) + '<unk> the cat\n');
await writeFile(join(data, 'ptb.valid.txt'), corpus(20, 2));
await writeFile(join(data, 'ptb.test.txt'), corpus(20, 3));
await writeFile(recipe, JSON.stringify({
  experiment: 'tiny-lm', dataset: 'ptb',
  model: { cell: 'lstm', hidden: 12, embed: 8, bitsW: 4, bitsA: 4, dropout: 0.2, seed: 2 },
  train: { epochs: 3, batchSize: 4, steps: 8, lr: 0.02, clipNorm: 5, lrDecay: 0.5, evalBatch: 2, seed: 3 },
}));
const bits = (a: Float32Array): Uint32Array => new Uint32Array(Float32Array.from(a).buffer);
const readResult = async (run: string): Promise<LmExperimentResult> => JSON.parse(await readFile(join(run, 'result.json'), 'utf8')) as LmExperimentResult;

test('train a language-model recipe: perplexity lines, epochs.jsonl, best.ckpt, result.json; eval --run repeats its test perplexity', async () => {
  const run = join(dir, 'straight');
  const r = await lowbit('train', recipe, '--data', data, '-o', run);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /best validation perplexity \d+\.\d\d at epoch \d; test perplexity \d+\.\d\d \(3 epochs, \d+ s\)/);
  assert.match(r.stderr, /epoch 1\/3 window \d+\/\d+ train perplexity [\d.]+ \d+ words\/s, .* left/);
  assert.match(r.stderr, /epoch 3: train perplexity [\d.]+ validation perplexity [\d.]+ lr /);
  const result = await readResult(run), lines = (await readFile(join(run, 'epochs.jsonl'), 'utf8')).trim().split('\n');
  assert.equal(lines.length, 3);
  assert.deepEqual(lines.map((l) => (JSON.parse(l) as { validPerplexity: number }).validPerplexity), result.history.map((m) => m.validPerplexity));
  assert.equal(result.bestValidPerplexity, Math.min(...result.history.map((m) => m.validPerplexity)));
  assert.ok(result.testPerplexity > 1 && result.testPerplexity < 8, `test perplexity ${result.testPerplexity} (13 words, most fixed by the grammar)`);
  assert.equal(result.command, `lowbit train ${recipe} --data ${data} -o ${run}`);
  const best = await loadCheckpoint(join(run, 'best.ckpt'));
  assert.deepEqual([...best.tensors.keys()].filter((k) => !k.startsWith('model.')), [], 'best.ckpt holds the model only');
  assert.equal(best.meta.epoch, result.bestEpoch);
  const ev = await lowbit('eval', '--run', run, '--json');
  assert.equal(ev.code, 0, ev.stderr);
  assert.equal((JSON.parse(ev.stdout) as { testPerplexity: number }).testPerplexity, result.testPerplexity);
  const sum = await lowbit('summary', join(run, 'best.ckpt'));
  assert.equal(sum.code, 0, sum.stderr);
  assert.match(sum.stdout, /Embedding \d+×\d+/);
  assert.match(sum.stdout, /Quant(LSTM|GRU) \d+→\d+ recurrent/);
});

test('train --resume: 2 epochs, then resumed to 3 = 3 epochs straight (bit-identical weights, same perplexities)', async () => {
  const run = join(dir, 'resumed');
  const first = await lowbit('train', recipe, '--data', data, '--epochs', '2', '-o', run);
  assert.equal(first.code, 0, first.stderr);
  const done = await lowbit('train', '--resume', run);
  assert.equal(done.code, 1);
  assert.match(done.stderr, /has finished 2 of 2 epochs; to train on, ask for more than 2 with --epochs/);
  const more = await lowbit('train', '--resume', run, '--epochs', '3');
  assert.equal(more.code, 0, more.stderr);
  assert.match(more.stderr, /resuming from .*last\.ckpt: epoch 2 done, training epochs 3\.\.3/);
  const [a, b] = [await loadCheckpoint(join(dir, 'straight', 'last.ckpt')), await loadCheckpoint(join(run, 'last.ckpt'))];
  for (const [k, v] of a.tensors) assert.deepEqual(bits(b.tensors.get(k)!), bits(v), `tensor ${k}`);
  const strip = (r: LmExperimentResult) => r.history.map(({ seconds: _s, wordsPerSec: _w, ...m }) => m);
  const [x, y] = [await readResult(join(dir, 'straight')), await readResult(run)];
  assert.deepEqual(strip(y), strip(x));
  assert.equal(y.testPerplexity, x.testPerplexity);
  assert.equal((await readFile(join(run, 'epochs.jsonl'), 'utf8')).trim().split('\n').length, 3);
});

test('sample: seeded text from the run; unknown prime words read as <unk>; clear errors', async () => {
  const run = join(dir, 'straight');
  const [s1, s2] = [await lowbit('sample', '--run', run, '--words', '25', '--seed', '4'), await lowbit('sample', '--run', run, '--words', '25', '--seed', '4')];
  assert.equal(s1.code, 0, s1.stderr);
  assert.equal(s1.stdout, s2.stdout, 'the same seed, the same text');
  assert.match(s1.stdout, /^(the|cat|dog|bird|sat|ran|on|to|a|mat|red|house|<unk>|\s)+$/, 'words of the corpus, lines ended at <eos>');
  const counted = await lowbit('sample', '--run', run, '--words', '25', '--seed', '4', '--json');
  assert.equal((JSON.parse(counted.stdout) as { text: string; words: string[] }).words.length, 25);
  assert.equal((JSON.parse(counted.stdout) as { text: string }).text + '\n', s1.stdout);
  const primed = await lowbit('sample', '--run', run, '--words', '3', '--prime', 'the zebra', '--json');
  assert.equal(primed.code, 0, primed.stderr);
  assert.match(primed.stderr, /'zebra' not in the vocabulary: read as <unk>/);
  const json = JSON.parse(primed.stdout) as { prime: string[]; words: string[] };
  assert.deepEqual([json.prime, json.words.length], [['the', '<unk>'], 3]);

  const missing = await lowbit('sample', '--run', join(dir, 'no-such-run'));
  assert.equal(missing.code, 1);
  assert.match(missing.stderr, /no such file or folder: .*no-such-run/);
  const image = join(dir, 'image.ckpt');
  await saveCheckpoint(image, { meta: { format: 'lowbit-checkpoint', model: { type: 'Sequential' } }, tensors: new Map() });
  const notLm = await lowbit('sample', '--run', image);
  assert.equal(notLm.code, 1);
  assert.match(notLm.stderr, /image\.ckpt: it holds no language model/);
  const cold = await lowbit('sample', '--run', run, '--temperature', '0');
  assert.equal(cold.code, 2);
  const flag = await lowbit('train', recipe, '--width', '3');
  assert.equal(flag.code, 2);
  assert.match(flag.stderr, /--width belongs to the image recipes/);
  const exported = await lowbit('export', run, '-o', join(dir, 'lm.lbit'));
  assert.equal(exported.code, 1);
  assert.match(exported.stderr, /best\.ckpt holds a language model; export compiles image classifiers/);
  for (const r of [missing, notLm, cold, flag, exported]) assert.doesNotMatch(r.stderr, STACK);
});
