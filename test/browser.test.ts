// The wasm backend in a real browser (headless Chromium through puppeteer-core): Web Workers on
// one shared WebAssembly memory in a cross-origin-isolated page, the one-thread fallback on a
// page's main thread, and the non-shared build where SharedArrayBuffer is missing. The checks
// themselves (browser/checks.ts) compare the kernels with the reference ones. Chromium has
// relaxed SIMD, so this checks the -relaxed builds; the Node suite checks the plain ones too.
// Needs Debian's chromium (.ci/run installs it); without it the test is skipped, except in CI.
// With --enable-unsafe-webgpu the page (http://127.0.0.1, a secure context) also has navigator.gpu
// (SwiftShader on a CPU), and the WebGPU backend's checks (browser/webgpu-checks.ts) run there.
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { extname, join, normalize, sep } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import puppeteer from 'puppeteer-core';

const root = fileURLToPath(new URL('../../', import.meta.url)); // dist/test/ → the repository
const chromium = [process.env['LOWBIT_CHROMIUM'], '/usr/bin/chromium', '/usr/bin/chromium-browser'].find((p) => p && existsSync(p));
const TYPES: Record<string, string> = { '.js': 'text/javascript', '.wasm': 'application/wasm', '.html': 'text/html' };
const PAGE = '<!doctype html><meta charset="utf-8"><script type="module" src="/dist/browser/page.js"></script>';

/** Static files of the repository on 127.0.0.1 (dist/ and build/ only), with the headers that
 *  make a page cross-origin isolated when `isolated`. */
async function serve(isolated: boolean): Promise<{ server: Server; url: string }> {
  const server = createServer((req, res) => {
    const headers: Record<string, string> = isolated
      ? { 'Cross-Origin-Opener-Policy': 'same-origin', 'Cross-Origin-Embedder-Policy': 'require-corp' } : {};
    const path = decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname);
    if (path === '/') { res.writeHead(200, { ...headers, 'Content-Type': TYPES['.html']! }).end(PAGE); return; }
    const file = normalize(join(root, path));
    if (!(file.startsWith(join(root, 'dist') + sep) || file.startsWith(join(root, 'build') + sep))) { res.writeHead(404).end(); return; }
    readFile(file).then(
      (body) => res.writeHead(200, { ...headers, 'Content-Type': TYPES[extname(file)] ?? 'application/octet-stream' }).end(body),
      () => res.writeHead(404).end());
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/` };
}

interface Report { shared: boolean; build: string; threads: number; failures: string[]; checks: number; error?: string }
interface GpuReport { adapter?: string; engineOnHost?: string[]; failures?: string[]; checks?: number; error?: string }

async function runPage(isolated: boolean): Promise<{ crossOriginIsolated: boolean; worker: Report; page: Report; webgpu: GpuReport }> {
  const { server, url } = await serve(isolated);
  const browser = await puppeteer.launch({ executablePath: chromium!, headless: true, args: ['--no-sandbox', '--disable-dev-shm-usage', '--enable-unsafe-webgpu'] });
  try {
    const page = await browser.newPage();
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(String(e)));
    await page.goto(url);
    const result = await page.waitForFunction(() => (window as unknown as { lowbitResult?: unknown }).lowbitResult, { timeout: 60_000 })
      .then(() => page.evaluate(() => (window as unknown as { lowbitResult: Promise<unknown> }).lowbitResult));
    assert.deepEqual(errors, [], 'page errors');
    return result as { crossOriginIsolated: boolean; worker: Report; page: Report; webgpu: GpuReport };
  } finally {
    await browser.close();
    server.close();
  }
}

const skip = chromium ? false : process.env['CI'] ? false : 'no chromium found (apt-get install chromium, or set LOWBIT_CHROMIUM)';

test('browser: cross-origin isolated page — 2 threads in a Worker, 1 on the main thread, kernels equal the reference', { skip, timeout: 120_000 }, async () => {
  assert.ok(chromium, 'CI installs chromium (.ci/run): it must be there');
  const r = await runPage(true);
  assert.equal(r.crossOriginIsolated, true);
  assert.equal(r.worker.error, undefined, r.worker.error);
  assert.deepEqual(r.worker.failures, []);
  assert.ok(r.worker.checks >= 16, `ran ${r.worker.checks} checks`);
  assert.equal(r.worker.shared, true);
  assert.equal(r.worker.threads, 2, 'two threads in a Worker');
  // Chromium has had relaxed SIMD since version 114: the relaxed builds are the ones checked here
  assert.equal(r.worker.build, 'lowbit-relaxed.wasm');
  assert.equal(r.page.build, 'lowbit-relaxed.wasm');
  assert.equal(r.page.error, undefined, r.page.error);
  assert.deepEqual(r.page.failures, []);
  assert.equal(r.page.shared, true);
  assert.equal(r.page.threads, 1, 'a page main thread may not block: one thread');
  // WebGPU in the page: the packed engine's conformance and the training products, exact
  assert.equal(r.webgpu.error, undefined, r.webgpu.error);
  assert.deepEqual(r.webgpu.failures, []);
  assert.ok((r.webgpu.checks ?? 0) >= 10, `ran ${r.webgpu.checks} WebGPU checks`);
  assert.deepEqual(r.webgpu.engineOnHost, ['scoreRows'], 'the packed engine in WGSL but its float64 epilogue');
  assert.ok(r.webgpu.adapter, 'an adapter name');
});

test('browser: page without isolation — no SharedArrayBuffer, the one-thread build, same results', { skip, timeout: 120_000 }, async () => {
  assert.ok(chromium, 'CI installs chromium (.ci/run): it must be there');
  const r = await runPage(false);
  assert.equal(r.crossOriginIsolated, false);
  for (const where of [r.worker, r.page]) {
    assert.equal(where.error, undefined, where.error);
    assert.deepEqual(where.failures, []);
    assert.ok(where.checks >= 16);
    assert.equal(where.shared, false);
    assert.equal(where.build, 'lowbit-st-relaxed.wasm');
    assert.equal(where.threads, 1);
  }
});
