// Takes the README's screenshots (docs/demo.png, docs/report.png) in headless Chromium:
// the demo with a drawn 7 after a short training run, and the report of a run folder.
// Usage: node scripts/screenshots.mjs RUN_DIR   (after npm run build; RUN_DIR has report.html)
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import puppeteer from 'puppeteer-core';
import { serveDemo } from '../dist/src/cli/demo-server.js';

const root = join(import.meta.dirname, '..'), run = process.argv[2];
if (!run) { process.stderr.write('usage: node scripts/screenshots.mjs RUN_DIR\n'); process.exit(2); }
const browser = await puppeteer.launch({ executablePath: process.env.LOWBIT_CHROMIUM ?? '/usr/bin/chromium', headless: true, args: ['--no-sandbox', '--disable-gpu'] });
const demo = await serveDemo(root, { isolated: true });
try {
  const page = await browser.newPage();
  await page.setViewport({ width: 1120, height: 900 });
  await page.goto(demo.url);
  await page.waitForFunction(() => document.body.dataset.ready === 'true');
  await page.click('#train');
  await page.waitForFunction(() => document.body.dataset.trained === 'true', { timeout: 120_000 });
  await page.select('#model', 'shipped');
  const box = await (await page.$('#pad')).boundingBox();
  await page.mouse.move(box.x + 70, box.y + 60); await page.mouse.down();
  await page.mouse.move(box.x + 210, box.y + 60, { steps: 12 }); await page.mouse.move(box.x + 130, box.y + 235, { steps: 12 }); await page.mouse.up();
  await new Promise((r) => setTimeout(r, 1500));
  await page.screenshot({ path: join(root, 'docs', 'demo.png'), fullPage: true });
  await page.goto(pathToFileURL(join(run, 'report.html')).href);
  await page.setViewport({ width: 1200, height: 900 });
  await page.screenshot({ path: join(root, 'docs', 'report.png'), fullPage: false });
} finally {
  await browser.close();
  await demo.close();
}
