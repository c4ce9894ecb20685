import assert from 'node:assert/strict';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { lowbitIn, repoRoot, STACK } from './run-cli.js';

// The CLI's answers to bad settings, bad flags and bad paths: exit 2 for bad usage, 1 for a
// failure, a message that names the problem, never a stack trace. Only the --overwrite check trains (a tiny net).

const dir = await mkdtemp(join(tmpdir(), 'lowbit-cli-usage-'));
after(() => rm(dir, { recursive: true, force: true }));
const lowbit = lowbitIn(dir);

test('a bad LOWBIT_THREADS is an error naming it, not a silent fall back to the reference backend', async () => {
  for (const threads of ['0', 'abc', '2.5', '1000']) {
    const r = await lowbitIn(dir, { LOWBIT_THREADS: threads })('eval', join(dir, 'missing.ckpt'));
    assert.equal(r.code, 1, r.stderr);
    assert.match(r.stderr, new RegExp(`LOWBIT_THREADS='${threads.replace('.', '\\.')}' is not a thread count; set a whole number from 1 to`));
  }
});

test('bad usage exits 2: an unknown experiment, --backend foo (choices listed), export with no output', async () => {
  const experiment = await lowbit('train', 'no-such-experiment');
  assert.equal(experiment.code, 2, experiment.stderr);
  assert.match(experiment.stderr, /unknown experiment 'no-such-experiment'; recipes: (?:[a-z0-9-]+, )*mnist-mlp\b/);
  const backend = await lowbit('eval', 'x.ckpt', '--backend', 'foo');
  assert.equal(backend.code, 2, backend.stderr);
  assert.match(backend.stderr, /'foo' is invalid\. Allowed choices are reference, wasm/);
  const exported = await lowbit('export', 'x.ckpt');
  assert.equal(exported.code, 2, exported.stderr);
  assert.match(exported.stderr, /say where to write: -o model\.lbit and\/or --onnx model\.onnx/);
});

test('paths: -o on a file, a recipe path that is no recipe, a missing checkpoint: messages, no stack, no errno code', async () => {
  const file = join(dir, 'a-file');
  await writeFile(file, 'x');
  const out = await lowbit('train', '-o', file);
  assert.equal(out.code, 2, out.stderr);
  assert.match(out.stderr, /-o .*a-file is a file; give a folder/);
  const pkg = await lowbit('train', join(repoRoot, 'package.json'));
  assert.equal(pkg.code, 1, pkg.stderr);
  assert.match(pkg.stderr, /package\.json is not a lowbit recipe: "experiment" must be a name/);
  const up = await lowbit('train', '../package');
  assert.equal(up.code, 1, up.stderr);
  assert.match(up.stderr, /recipe: no such file: \.\.\/package/);
  const missing = await lowbit('eval', join(dir, 'missing.ckpt'));
  assert.equal(missing.code, 1, missing.stderr);
  assert.match(missing.stderr, /no such file or folder: .*missing\.ckpt/);
  for (const r of [out, pkg, up, missing]) {
    assert.doesNotMatch(r.stderr, STACK);
    assert.doesNotMatch(r.stderr, /ENOENT|EEXIST|TypeError/);
  }
});

test('-o on a folder that holds a run is refused (exit 2) unless --overwrite: a new run would replace its checkpoints', async () => {
  const run = join(dir, 'old-run');
  await mkdir(run);
  await writeFile(join(run, 'metrics.jsonl'), '{"epoch":1}\n');
  const refused = await lowbit('train', 'mnist-mlp', '-o', run, '--limit', '100', '--epochs', '1', '--width', '8', '--depth', '1');
  assert.equal(refused.code, 2, refused.stderr);
  assert.match(refused.stderr, /old-run holds a run already \(metrics\.jsonl\); continue it with --resume .*old-run, choose another folder, or add --overwrite/);
  assert.equal(await readFile(join(run, 'metrics.jsonl'), 'utf8'), '{"epoch":1}\n', 'the old run is untouched');
  const replaced = await lowbit('train', 'mnist-mlp', '-o', run, '--overwrite', '--limit', '100', '--epochs', '1', '--width', '8', '--depth', '1', '--batch-size', '50');
  assert.equal(replaced.code, 0, replaced.stderr);
  assert.match(await readFile(join(run, 'metrics.jsonl'), 'utf8'), /"trainLoss"/);
});

test('conflicting flags exit 2 naming them instead of training something else', async () => {
  const cases: [string[], RegExp][] = [
    [['--bits', '3', '--float'], /--float trains the float32 twin, which has no quantizers; drop --bits 3/],
    [['--bits-w', '2', '--float'], /drop --bits-w/],
    [['--quant', 'log'], /--quant log picks the quantizer of 2\.\.8-bit layers/],
    [['--bits', '2', '--bits-a', '3'], /give it or --bits-a, not both/],
    [['--bits-a', '2', '--stochastic'], /--stochastic binarizes 1-bit activations/],
    [['--lr-halve-every', '5', '--lr-end', '1e-4'], /--lr-halve-every replaces the decay to --lr-end/],
  ];
  for (const [flags, message] of cases) {
    const r = await lowbit('train', ...flags);
    assert.equal(r.code, 2, `${flags.join(' ')}: ${r.stderr}`);
    assert.match(r.stderr, message);
  }
});

test('--resume takes only --epochs besides output flags', async () => {
  const r = await lowbit('train', '--resume', join(dir, 'none'), '--epochs', '3', '--lr-end', '1e-4', '--width', '8');
  assert.equal(r.code, 2, r.stderr);
  assert.match(r.stderr, /only --epochs may raise its length\); drop --lr-end, --width/);
});

test('--version prints the package version; train --help lists the recipes with their settings and the backends', async () => {
  const version = await lowbit('--version');
  assert.equal(version.code, 0, version.stderr);
  const pkg = JSON.parse(await readFile(join(repoRoot, 'package.json'), 'utf8')) as { version: string };
  assert.equal(version.stdout.trim(), pkg.version);
  const help = await lowbit('train', '--help');
  assert.equal(help.code, 0, help.stderr);
  assert.match(help.stdout, /Recipes \(experiments\/; an option not given keeps the recipe's value\):\n(?: {2}cifar10-.*\n)* {2}mnist-mlp: width 2048, depth 3, bits-w 1, bits-a 1, epochs 20, batch-size 100/);
  assert.match(help.stdout, / {2}cifar10-binarynet: cifar10, bits-w 1, bits-a 1, epochs 500, batch-size 50/);
  assert.match(help.stdout, /choices:\s+"reference", "wasm"/);
  assert.match(help.stdout, /--data <dir>/);
});
