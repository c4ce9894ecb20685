// `lowbit report` for language-model runs, end to end: two tiny runs on a synthetic corpus (well
// under a second each), the report.html training writes, reports of several runs, a run that has
// not ended, damaged epochs.jsonl lines, and image and language-model runs refused together.
import assert from 'node:assert/strict';
import { cp, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import type { LmExperimentResult } from '../src/train/lm-run.js';
import { corpus } from './lm-corpus.js';
import { lowbitIn, STACK } from './run-cli.js';

const dir = await mkdtemp(join(tmpdir(), 'lowbit-report-lm-'));
after(() => rm(dir, { recursive: true, force: true }));
const lowbit = lowbitIn(dir);


const RUNS = { a: { epochs: 2, seed: 1 }, b: { epochs: 3, seed: 2 } };
const trained: Record<string, { code: number | null; stderr: string }> = {};
const readResult = async (run: string): Promise<LmExperimentResult> => JSON.parse(await readFile(join(dir, run, 'result.json'), 'utf8')) as LmExperimentResult;

/** Each chart's title and, per series, its number of polyline vertices. */
function charts(html: string): { title: string; lines: Record<string, number> }[] {
  return [...html.matchAll(/<svg [^>]*aria-label="([^"]*)"[^]*?<\/svg>/g)].map((m) => ({
    title: m[1]!,
    lines: Object.fromEntries([...m[0].matchAll(/<polyline data-series="([^"]*)" points="([^"]*)"/g)].map((p) => [p[1]!, p[2]!.trim().split(' ').length])),
  }));
}

before(async () => {
  await mkdir(join(dir, 'corpus'));
  await writeFile(join(dir, 'corpus', 'ptb.train.txt'), corpus(120, 1) + '<unk> the cat\n');
  await writeFile(join(dir, 'corpus', 'ptb.valid.txt'), corpus(20, 2));
  await writeFile(join(dir, 'corpus', 'ptb.test.txt'), corpus(20, 3));
  await writeFile(join(dir, 'tiny-lm.json'), JSON.stringify({
    experiment: 'tiny-lm', dataset: 'ptb',
    model: { cell: 'lstm', hidden: 12, embed: 8, bitsW: 4, bitsA: 4, dropout: 0.2, seed: 2 },
    train: { epochs: 3, batchSize: 4, steps: 8, lr: 0.02, clipNorm: 5, lrDecay: 0.5, evalBatch: 2, seed: 3 },
  }));
  for (const [name, r] of Object.entries(RUNS)) {
    trained[name] = await lowbit('train', 'tiny-lm.json', '--data', 'corpus', '--epochs', String(r.epochs), '--seed', String(r.seed), '-o', `lm-${name}`);
  }
});

test('language-model training writes report.html: perplexities of every epoch, test perplexity, command, model summary', async () => {
  for (const name of Object.keys(RUNS)) {
    const t = trained[name]!;
    assert.equal(t.code, 0, t.stderr);
    assert.match(t.stderr, new RegExp(`report lm-${name}/report\\.html\\n$`));
  }
  const html = await readFile(join(dir, 'lm-b', 'report.html'), 'utf8'), result = await readResult('lm-b');
  assert.ok(html.includes(`test perplexity (best-validation weights)</td><td><b>${result.testPerplexity.toFixed(2)}</b>`), 'the test perplexity');
  assert.ok(html.includes(`best validation perplexity</td><td>${result.bestValidPerplexity.toFixed(2)} (epoch ${result.bestEpoch})`));
  for (const m of result.history) {
    assert.ok(html.includes(`<tr><td>${m.epoch}</td><td>${m.trainPerplexity.toFixed(2)}</td><td>${m.validPerplexity.toFixed(2)}</td>`), `epoch ${m.epoch}'s perplexities`);
  }
  assert.match(html, /lowbit train tiny-lm\.json --data corpus --epochs 3 --seed 2 -o lm-b/, 'the command that made the run');
  assert.match(html, /QuantLSTM 12→12 recurrent<\/td><td>4<\/td><td>4<\/td>/, 'the model summary of best.ckpt');
  assert.deepEqual(charts(html), [
    { title: 'Perplexity per epoch', lines: { 'train perplexity': 3, 'validation perplexity': 3 } },
    { title: 'Learning rate', lines: { lr: 3 } },
    { title: 'Training speed (words/s)', lines: { 'words/s': 3 } },
  ]);
});

test('report of two language-model runs: one chart per metric, a line per run, a section per run', async () => {
  const made = await lowbit('report', 'lm-a', 'lm-b', '-o', 'both.html');
  assert.equal(made.code, 0, made.stderr);
  const html = await readFile(join(dir, 'both.html'), 'utf8');
  const perEpoch = (what: string) => ({ [`lm-a ${what}`]: RUNS.a.epochs, [`lm-b ${what}`]: RUNS.b.epochs });
  assert.deepEqual(charts(html), [
    { title: 'Perplexity per epoch', lines: { ...perEpoch('train perplexity'), ...perEpoch('validation perplexity') } },
    { title: 'Learning rate', lines: perEpoch('lr') },
    { title: 'Training speed (words/s)', lines: perEpoch('words/s') },
  ]);
  for (const run of ['lm-a', 'lm-b']) assert.ok(html.includes(`<b>${(await readResult(run)).testPerplexity.toFixed(2)}</b>`), `${run}'s test perplexity`);
});

test('report of a language-model run that has not ended: epochs so far, the schedule from best.ckpt, no test perplexity yet', async () => {
  await cp(join(dir, 'lm-b'), join(dir, 'going'), { recursive: true });
  await rm(join(dir, 'going', 'result.json'));
  const lines = (await readFile(join(dir, 'going', 'epochs.jsonl'), 'utf8')).trim().split('\n');
  await writeFile(join(dir, 'going', 'epochs.jsonl'), lines.slice(0, 2).join('\n') + '\n');
  const made = await lowbit('report', 'going');
  assert.equal(made.code, 0, made.stderr);
  const html = await readFile(join(dir, 'going', 'report.html'), 'utf8');
  const seen = lines.slice(0, 2).map((l) => JSON.parse(l) as { epoch: number; validPerplexity: number });
  const best = seen.reduce((b, m) => (m.validPerplexity < b.validPerplexity ? m : b));
  assert.match(html, /<td>epochs<\/td><td>2 of 3<\/td>/, 'the recipe best.ckpt holds says 3');
  assert.ok(html.includes(`best validation perplexity</td><td>${best.validPerplexity.toFixed(2)} (epoch ${best.epoch}; so far)`));
  assert.match(html, /test perplexity \(best-validation weights\)<\/td><td>not yet: result\.json is written when the run ends/);
});

test('report: a damaged epochs.jsonl exits 1 naming the file and line; a hand-edited result.json still reports; a folder with neither file names both; no stack trace', async () => {
  const damage = async (name: string, extra: string) => {
    await cp(join(dir, 'lm-a'), join(dir, name), { recursive: true });
    await writeFile(join(dir, name, 'epochs.jsonl'), (await readFile(join(dir, name, 'epochs.jsonl'), 'utf8')) + extra);
    return lowbit('report', name);
  };
  const notJson = await damage('not-json', '{"epoch": 3, "trainPerplexity": \n');
  assert.equal(notJson.code, 1);
  assert.match(notJson.stderr, /not-json\/epochs\.jsonl line 3 is not valid JSON/);
  const missing = await damage('missing', '{"epoch":3,"trainPerplexity":2.5,"lr":0.02,"words":896,"seconds":0.1,"wordsPerSec":9000}\n');
  assert.equal(missing.code, 1);
  assert.match(missing.stderr, /missing\/epochs\.jsonl line 3 has no number 'validPerplexity' \(got undefined\)/);
  await cp(join(dir, 'lm-a'), join(dir, 'edited'), { recursive: true });
  await writeFile(join(dir, 'edited', 'result.json'), '{"command": 5, "commit": ["x"], "testPerplexity": "low", "bestValidPerplexity": null, "wallSeconds": "1 h"}');
  const edited = await lowbit('report', 'edited');
  assert.equal(edited.code, 0, `a hand-edited result.json still makes a page: ${edited.stderr}`);
  assert.match(await readFile(join(dir, 'edited', 'report.html'), 'utf8'), /test perplexity \(best-validation weights\)<\/td><td>result\.json holds no number testPerplexity/);
  const none = await lowbit('report', 'corpus');
  assert.equal(none.code, 1);
  assert.match(none.stderr, /neither corpus\/metrics\.jsonl \(an image run\) nor corpus\/epochs\.jsonl \(a language-model run\) found: corpus is not a training run folder/);
  for (const r of [notJson, missing, none]) assert.doesNotMatch(r.stderr, STACK);
});

test('report: image and language-model runs together are refused, saying which folder is which', async () => {
  const image = join(dir, 'image-run');
  await mkdir(image);
  await writeFile(join(image, 'metrics.jsonl'), '{"epoch":1,"lr":0.003,"trainLoss":0.4,"trainError":0.1,"valError":0.08,"seconds":2,"samplesPerSec":3000}\n');
  const alone = await lowbit('report', 'image-run');
  assert.equal(alone.code, 0, alone.stderr);
  const mixed = await lowbit('report', 'image-run', 'lm-a', 'lm-b', '-o', 'mixed.html');
  assert.equal(mixed.code, 1);
  assert.match(mixed.stderr, /image-run is an image run, lm-a, lm-b are language-model runs\. Make one report per kind/);
  assert.doesNotMatch(mixed.stderr, STACK);
  await assert.rejects(readFile(join(dir, 'mixed.html')), { code: 'ENOENT' }, 'nothing written');
});
