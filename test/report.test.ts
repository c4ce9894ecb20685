// `lowbit report` and the report `lowbit train` writes, end to end: two short MNIST runs, their
// files, the HTML opened in headless Chromium with the network cut off (it must need nothing),
// and the number of points on each chart.
import assert from 'node:assert/strict';
import { access, cp, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { pathToFileURL } from 'node:url';
import { launchChromium, skipWithoutChromium } from './chromium.js';
import { lowbitIn } from './run-cli.js';

const dir = await mkdtemp(join(tmpdir(), 'lowbit-report-'));
after(() => rm(dir, { recursive: true, force: true }));

const lowbit = lowbitIn(dir);

// 6000 images in batches of 100: 60 steps an epoch; the loss is read at steps 1, 50 and 60
const RUNS = { a: { epochs: 2, seed: 1 }, b: { epochs: 3, seed: 2 } };
const LOGGED_STEPS = [1, 50, 60];
const trained: Record<string, { code: number | null; stderr: string }> = {};
before(async () => {
  for (const [name, r] of Object.entries(RUNS)) {
    trained[name] = await lowbit('train', 'mnist-mlp', '--width', '32', '--depth', '1', '--limit', '6000', '--batch-size', '100',
      '--epochs', String(r.epochs), '--seed', String(r.seed), '-o', `run-${name}`);
  }
});

test('train writes steps.jsonl (the loss at each logging interval) and report.html, and prints the report path', async () => {
  for (const [name, r] of Object.entries(RUNS)) {
    const t = trained[name]!;
    assert.equal(t.code, 0, t.stderr);
    assert.match(t.stderr, new RegExp(`report run-${name}/report\\.html\\n$`));
    await access(join(dir, `run-${name}`, 'report.html'));
    const steps = (await readFile(join(dir, `run-${name}`, 'steps.jsonl'), 'utf8')).trim().split('\n').map((l) => JSON.parse(l) as { epoch: number; step: number; loss: number });
    assert.deepEqual(steps.map((s) => [s.epoch, s.step]), Array.from({ length: r.epochs }, (_, e) => LOGGED_STEPS.map((s) => [e + 1, s])).flat());
    assert.ok(steps.every((s) => Number.isFinite(s.loss) && s.loss > 0));
  }
  const html = await readFile(join(dir, 'run-a', 'report.html'), 'utf8');
  assert.match(html, /lowbit train mnist-mlp --width 32 --depth 1 --limit 6000/, 'the command that made the run');
  assert.match(html, /test error \(best-validation weights\)<\/td><td><b>\d+\.\d\d%<\/b>/);
  assert.match(html, /784→32/, 'the model summary');
});

test('report: several runs need -o (exit 2); a folder that is not a run, or a damaged metrics line, exits 1 naming it', async () => {
  const two = await lowbit('report', 'run-a', 'run-b');
  assert.equal(two.code, 2);
  assert.match(two.stderr, /say where with -o FILE\.html/);
  const none = await lowbit('report', 'nowhere');
  assert.equal(none.code, 1);
  assert.match(none.stderr, /neither nowhere\/metrics\.jsonl \(an image run\) nor nowhere\/epochs\.jsonl \(a language-model run\) found: nowhere is not a training run folder/);
  const bad = join(dir, 'bad');
  await cp(join(dir, 'run-a'), bad, { recursive: true });
  await writeFile(join(bad, 'metrics.jsonl'), (await readFile(join(bad, 'metrics.jsonl'), 'utf8')) + '{"epoch": 3, "lr": "fast"}\n');
  const damaged = await lowbit('report', 'bad');
  assert.equal(damaged.code, 1);
  assert.match(damaged.stderr, /bad\/metrics\.jsonl line 3 has no number 'lr'/);
  assert.doesNotMatch(damaged.stderr, /\n\s+at /, 'no stack trace');
  const edited = join(dir, 'edited');
  await cp(join(dir, 'run-a'), edited, { recursive: true });
  await writeFile(join(edited, 'result.json'), '{"command": 5, "commit": ["x"], "date": {}, "testError": "low", "bestValError": null, "epochs": "2", "wallSeconds": "1 h"}');
  const page = await lowbit('report', 'edited');
  assert.equal(page.code, 0, `a hand-edited result.json still makes a page: ${page.stderr}`);
  assert.match(await readFile(join(edited, 'report.html'), 'utf8'), /test error \(best-validation weights\)<\/td><td>result\.json holds no number testError/);
});

test('report of two runs in Chromium: renders offline, every chart has one point per epoch or interval and a line per run', { skip: skipWithoutChromium, timeout: 60_000 }, async () => {
  const made = await lowbit('report', 'run-a', 'run-b', '-o', 'both.html', '--json');
  assert.equal(made.code, 0, made.stderr);
  assert.equal((JSON.parse(made.stdout) as { report: string }).report, 'both.html');
  const browser = await launchChromium();
  try {
    const page = await browser.newPage();
    const requests: string[] = [], errors: string[] = [];
    await page.setRequestInterception(true);
    page.on('request', (r) => { if (r.url().startsWith('file:')) void r.continue(); else { requests.push(r.url()); void r.abort(); } });
    page.on('pageerror', (e) => errors.push(String(e)));
    await page.goto(pathToFileURL(join(dir, 'both.html')).href);
    const charts = await page.evaluate(() => [...document.querySelectorAll('svg')].map((svg) => ({
      title: svg.getAttribute('aria-label'),
      width: svg.getBoundingClientRect().width,
      lines: Object.fromEntries([...svg.querySelectorAll('polyline')].map((p) => [p.dataset['series'], (p as SVGPolylineElement).points.numberOfItems])),
    })));
    assert.deepEqual(requests, [], 'nothing fetched');
    assert.deepEqual(errors, []);
    const perEpoch = (what: string) => ({ [`run-a ${what}`]: RUNS.a.epochs, [`run-b ${what}`]: RUNS.b.epochs });
    assert.deepEqual(charts.map((c) => c.title), ['Training loss per logging interval', 'Training loss per epoch', 'Error per epoch', 'Learning rate', 'Training speed (samples/s)']);
    assert.deepEqual(charts[0]!.lines, { 'run-a train loss': 3 * RUNS.a.epochs, 'run-b train loss': 3 * RUNS.b.epochs });
    assert.deepEqual(charts[1]!.lines, perEpoch('train loss'));
    assert.deepEqual(charts[2]!.lines, { ...perEpoch('train error'), ...perEpoch('validation error') });
    assert.deepEqual(charts[3]!.lines, perEpoch('lr'));
    assert.deepEqual(charts[4]!.lines, perEpoch('samples/s'));
    for (const c of charts) assert.ok(c.width > 300, `${c.title} is drawn (${c.width} px wide)`);
  } finally {
    await browser.close();
  }
});
