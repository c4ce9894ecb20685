import assert from 'node:assert/strict';
import { mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { bin, lowbitIn } from './run-cli.js';

// The CLI end to end, as a user runs it: `node bin/lowbit.js …` over the built dist/.
// Exit codes (STYLE.md): 0 success, 1 failure, 2 bad usage.

const dir = await mkdtemp(join(tmpdir(), 'lowbit-cli-'));
after(() => rm(dir, { recursive: true, force: true }));

const lowbit = lowbitIn(dir);

test('summary mnist-mlp: 10.01 M binary weights, 1.25 MB of packed weights (784-2048x3-10)', async () => {
  const text = await lowbit('summary', 'mnist-mlp');
  assert.equal(text.code, 0, text.stderr);
  assert.match(text.stdout, /10\.01 M binary weights/);
  const json = await lowbit('summary', 'mnist-mlp', '--json');
  assert.equal(json.code, 0, json.stderr);
  const s = JSON.parse(json.stdout) as { layers: { layer: string; packedBytes: number; weightBits: number }[]; total: { binaryWeights: number } };
  assert.equal(s.total.binaryWeights, 784 * 2048 + 2 * 2048 * 2048 + 2048 * 10); // 10014720
  const weightBytes = s.layers.filter((l) => l.layer.startsWith('QuantDense')).reduce((n, l) => n + l.packedBytes, 0);
  assert.equal(weightBytes, 10014720 / 8); // 1.25 MB at one bit per weight
});

test('summary ptb-lm: the paper\'s 1×300 LSTM language model on PTB\'s 10,000 words, 3.72 M multiply-adds per word', async () => {
  const text = await lowbit('summary', 'ptb-lm');
  assert.equal(text.code, 0, text.stderr);
  assert.match(text.stdout, /Embedding 10000×300/);
  assert.match(text.stdout, /QuantLSTM 300→300 recurrent/);
  assert.match(text.stdout, /total .* 3\.72 M\n/);
});

test('bad usage exits 2 with the option named: train --epochs 0, an unknown option', async () => {
  const epochs = await lowbit('train', '--epochs', '0');
  assert.equal(epochs.code, 2, epochs.stderr);
  assert.match(epochs.stderr, /--epochs/);
  const unknown = await lowbit('summary', 'mnist-mlp', '--bogus');
  assert.equal(unknown.code, 2, unknown.stderr);
  assert.match(unknown.stderr, /--bogus/);
});

test('--resume with settings of its own exits 2 naming them (the checkpoint keeps the run\'s settings)', async () => {
  const r = await lowbit('train', '--resume', join(dir, 'none'), '--batch-size', '3', '--lr-end', '1e-4');
  assert.equal(r.code, 2, r.stderr);
  assert.match(r.stderr, /--batch-size, --lr-end/);
});

test('an unknown experiment exits 2 (bad usage) with a message naming it', async () => {
  const r = await lowbit('train', 'no-such-experiment');
  assert.equal(r.code, 2, r.stderr);
  assert.match(r.stderr, /unknown experiment 'no-such-experiment'/);
  assert.equal(r.stdout, '');
});

test('train → files; eval best.ckpt --json → a test error in [0, 1]; export, infer and bench the packed model', async () => {
  const out = join(dir, 'run');
  const train = await lowbit('train', 'mnist-mlp', '--width', '32', '--depth', '1', '--limit', '500', '--epochs', '1', '-o', out);
  assert.equal(train.code, 0, train.stderr);
  // the CLI switches Node 20's relaxed SIMD on before any module compiles: the fused multiply-add build
  const relaxed = process.env['LOWBIT_RELAXED_SIMD'] === '0' ? 'lowbit.wasm' : 'lowbit-relaxed.wasm';
  if (!process.env['LOWBIT_BACKEND']) assert.match(train.stdout + train.stderr, new RegExp(`on the wasm backend \\(${relaxed.replace('.', '\\.')}, \\d+ threads?\\)`));
  assert.deepEqual((await readdir(out)).sort(), ['best.ckpt', 'last.ckpt', 'metrics.jsonl', 'report.html', 'result.json', 'steps.jsonl']);
  const lines = (await readFile(join(out, 'metrics.jsonl'), 'utf8')).trim().split('\n');
  assert.equal(lines.length, 1);
  for (const line of lines) assert.equal((JSON.parse(line) as { epoch: number }).epoch, 1);
  const result = JSON.parse(await readFile(join(out, 'result.json'), 'utf8')) as { testError: number; limit: number; epochs: number };
  assert.equal(result.limit, 500);
  assert.equal(result.epochs, 1);
  assert.ok(result.testError >= 0 && result.testError <= 1, `result.json testError ${result.testError}`);

  const ev = await lowbit('eval', join(out, 'best.ckpt'), '--json');
  assert.equal(ev.code, 0, ev.stderr);
  const { testError, images } = JSON.parse(ev.stdout) as { testError: number; images: number };
  assert.ok(testError >= 0 && testError <= 1, `eval testError ${testError}`);
  assert.equal(images, 10_000);
  assert.equal(testError, result.testError, 'eval of best.ckpt repeats the test error of the training run');

  // the deploy path on the same checkpoint: export, infer (MNIST and a file), bench
  const model = join(dir, 'model.lbit');
  const exported = await lowbit('export', join(out, 'best.ckpt'), '-o', model);
  assert.equal(exported.code, 0, exported.stderr);
  assert.match(exported.stdout, /float32 model [\d.]+ [kM]B/);
  assert.match(exported.stdout, /packed .*model\.lbit [\d.]+ kB \([\d.]+x smaller\)/);
  const infer = await lowbit('infer', model, '--mnist-test', '--json');
  assert.equal(infer.code, 0, infer.stderr);
  const accuracy = (JSON.parse(infer.stdout) as { accuracy: number }).accuracy;
  assert.ok(Math.abs(1 - accuracy - testError) < 1e-9, `the packed model's accuracy ${accuracy} is 1 − the checkpoint's test error ${testError}`);
  const three = join(dir, 'three.raw');
  await writeFile(three, new Uint8Array(3 * 784).map((_, i) => (i * 7) % 256));
  const classes = await lowbit('infer', model, '--input', three);
  assert.equal(classes.code, 0, classes.stderr);
  assert.match(classes.stdout, /^\d\n\d\n\d\n?$/);
  const bench = await lowbit('bench', model, '--input', three, '--json');
  assert.equal(bench.code, 0, bench.stderr);
  const b = JSON.parse(bench.stdout) as { inputs: string; results: { threads: number; batch1Ms: number; batch100ImagesPerSec: number }[] };
  assert.match(b.inputs, /its 3 images, repeated to 100/);
  assert.ok(b.results.length >= 1 && b.results.every((r) => r.batch1Ms > 0 && r.batch100ImagesPerSec > 0), bench.stdout);
});

test('infer and bench refuse bad input: a file of the wrong size exits 1, both input options exit 2', async () => {
  const model = join(dir, 'tiny.lbit');
  const run = join(dir, 'tiny');
  assert.equal((await lowbit('train', 'mnist-mlp', '--width', '16', '--depth', '1', '--limit', '200', '--epochs', '1', '-o', run)).code, 0);
  assert.equal((await lowbit('export', join(run, 'last.ckpt'), '-o', model)).code, 0);
  const odd = join(dir, 'odd.raw');
  await writeFile(odd, new Uint8Array(1000));
  for (const command of ['infer', 'bench']) {
    const r = await lowbit(command, model, '--input', odd);
    assert.equal(r.code, 1, r.stderr);
    assert.match(r.stderr, new RegExp(`${command}: .*odd\\.raw has 1000 bytes, not a multiple of 784`));
    const both = await lowbit(command, model, '--input', odd, '--mnist-test');
    assert.equal(both.code, 2, both.stderr);
    assert.match(both.stderr, /--mnist-test, --input FILE or --raw FILE/);
  }
});

test('eval on a garbage or missing file exits 1 with a message naming it', async () => {
  const garbage = join(dir, 'garbage.ckpt');
  await writeFile(garbage, 'not a checkpoint, just text\n');
  const r = await lowbit('eval', garbage);
  assert.equal(r.code, 1, r.stderr);
  assert.ok(r.stderr.includes(garbage) && /not a lowbit checkpoint/.test(r.stderr), r.stderr);
  assert.doesNotMatch(r.stderr, /at .*\.js:\d+/, 'a message, not a stack trace');
  const missing = await lowbit('eval', join(dir, 'missing.ckpt'));
  assert.equal(missing.code, 1, missing.stderr);
  assert.match(missing.stderr, /no such file or folder: .*missing\.ckpt/);
});
