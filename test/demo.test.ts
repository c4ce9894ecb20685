// The demo page as a person uses it, in headless Chromium: draw a 7 and a 1 with pointer events,
// read the predicted classes and the times of the packed BNN and of its float32 twin; train a few
// steps in the Worker and watch the curve move; with and without cross-origin isolation (served
// by the same server as `lowbit demo`).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import type { Page } from 'puppeteer-core';
import { serveDemo } from '../src/cli/demo-server.js';
import { launchChromium, skipWithoutChromium } from './chromium.js';

const root = fileURLToPath(new URL('../../', import.meta.url)); // dist/test/ → the repository

/** Strokes in pad coordinates (0..280), drawn with the mouse: pointerdown, moves, pointerup. */
const DIGITS: Record<string, [number, number][][]> = {
  7: [[[70, 60], [210, 60], [130, 235]]],
  1: [[[140, 40], [140, 240]]],
};

async function draw(page: Page, strokes: [number, number][][]): Promise<void> {
  const box = (await (await page.$('#pad'))!.boundingBox())!;
  for (const stroke of strokes) {
    const [first, ...rest] = stroke;
    await page.mouse.move(box.x + first![0], box.y + first![1]);
    await page.mouse.down();
    for (const [x, y] of rest) await page.mouse.move(box.x + x, box.y + y, { steps: 12 });
    await page.mouse.up();
  }
}

const text = (page: Page, id: string) => page.$eval(`#${id}`, (e) => e.textContent ?? '');
const classified = (page: Page) => page.evaluate(() => Number(document.body.dataset['classified'] ?? 0));

async function runDemo(isolated: boolean): Promise<void> {
  const demo = await serveDemo(root, { isolated });
  const browser = await launchChromium();
  try {
    const page = await browser.newPage();
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(String(e)));
    await page.goto(demo.url);
    await page.waitForFunction(() => document.body.dataset['ready'] === 'true', { timeout: 30_000 });
    assert.equal(await page.evaluate(() => self.crossOriginIsolated), isolated);
    assert.match(await text(page, 'isolation'), isolated ? /cross-origin isolated: SharedArrayBuffer/ : /not cross-origin isolated: one thread/);
    assert.match(await text(page, 'backend-note'), /^wasm: 1 thread here/);
    const webgpu = await page.$eval('#backend option[value=webgpu]', (o) => ({ disabled: (o as HTMLOptionElement).disabled, text: o.textContent }));
    assert.ok(!webgpu.disabled || /unavailable: /.test(webgpu.text ?? ''), `webgpu: ${webgpu.text}`);

    for (const [digit, strokes] of Object.entries(DIGITS)) {
      await page.click('#clear');
      const before = await classified(page);
      await draw(page, strokes);
      await page.waitForFunction((n) => Number(document.body.dataset['classified']) > n, { timeout: 10_000 }, before);
      await page.waitForFunction(() => !document.querySelector('#lbit-time')?.textContent?.startsWith('…'), { timeout: 10_000 });
      const settled = await classified(page); // classification follows the ink; wait for the last one
      await new Promise((r) => setTimeout(r, 300));
      assert.equal(await classified(page), settled, 'no classification pending');
      assert.equal(await text(page, 'lbit-class'), digit, `packed BNN on a drawn ${digit}`);
      assert.equal(await text(page, 'onnx-class'), digit, `float twin on a drawn ${digit}`);
      for (const id of ['lbit-time', 'onnx-time']) assert.match(await text(page, id), /^\d+ µs per image$/, id);
      assert.match(await text(page, 'speedup'), /^packed BNN \d+\.\dx faster than float32 ONNX per image$/);
    }

    // 250 steps: the stop below lands long before the end even where the page draws its first
    // curve points late (a busy machine); with one epoch it could come after the last step
    await page.$eval('#epochs', (e) => { (e as HTMLInputElement).value = '5'; });
    await page.click('#train');
    await page.waitForFunction(() => Number(document.body.dataset['curvePoints'] ?? 0) >= 4, { timeout: 30_000 });
    await page.click('#stop');
    await page.waitForFunction(() => document.body.dataset['trained'] === 'true', { timeout: 30_000 });
    const curve = await page.$eval('#curve-loss', (p) => [...(p as SVGPolylineElement).points].map((pt) => [pt.x, pt.y]));
    assert.ok(curve.length >= 4, `${curve.length} points`);
    assert.ok(curve.every(([x], i) => i === 0 || x! > curve[i - 1]![0]!), 'steps go right');
    assert.ok(curve[curve.length - 1]![1]! > curve[0]![1]!, 'the loss went down (drawn lower)');
    assert.match(await text(page, 'train-status'), /^stopped after \d+ steps: validation error \d+\.\d\d %/);
    const threads = isolated ? await page.evaluate(() => Math.min(navigator.hardwareConcurrency, 4)) : 1; // a Worker blocks, so threads where isolated
    assert.equal(await text(page, 'train-setup'), `5000 images, backend wasm, ${threads} thread${threads > 1 ? 's' : ''}`);
    const download = await page.$eval('#download', (a) => ({ hidden: (a as HTMLAnchorElement).hidden, href: (a as HTMLAnchorElement).href, text: a.textContent }));
    assert.equal(download.hidden, false);
    assert.match(download.href, /^blob:/);
    assert.equal(await page.$eval('#model', (s) => (s as HTMLSelectElement).value), 'trained');
    assert.deepEqual(errors, [], 'page errors');
  } finally {
    await browser.close();
    await demo.close();
  }
}

test('demo, cross-origin isolated: draw a 7 and a 1, both nets agree and are timed; train, stop, download', { skip: skipWithoutChromium, timeout: 90_000 }, () => runDemo(true));
test('demo, not isolated (one thread): the same', { skip: skipWithoutChromium, timeout: 90_000 }, () => runDemo(false));
