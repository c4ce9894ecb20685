// The package's browser entry (the `browser` condition of `exports`): a page or a bundler that
// targets browsers gets a module graph with no `node:` module and no other package, and every
// name of the Node entry except the ones that need a file system or a process.
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { dirname, relative, resolve } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../../', import.meta.url)); // dist/test/ → the repository
/** Names of the Node entry that read or write files, or read process.env: left out of the browser one. */
const NODE_ONLY = ['fit', 'runRecipe', 'saveCheckpoint', 'loadCheckpoint', 'loadTrainedModel', 'loadMnist',
  'saveModelFile', 'loadModelFile', 'exportOnnx', 'initDefaultBackend',
  'loadCifar10', 'parseCifar10Batch', 'loadSvhn', 'svhnFromMat', 'parseMat5', 'loadDataset', 'DATASET_NAMES', 'loadPtb',
  'runLanguageModel', 'loadLanguageModel'];

async function browserEntry(): Promise<string> {
  const pkg = JSON.parse(await readFile(resolve(root, 'package.json'), 'utf8')) as { exports: Record<string, unknown> };
  const dot = pkg.exports['.'] as { browser?: { default?: string } } | string;
  assert.ok(typeof dot === 'object' && dot.browser?.default, 'package.json exports["."] has a browser condition');
  return resolve(root, dot.browser.default);
}

/** Every module statically imported from `entry`, and the specifiers that are not relative paths. */
async function staticGraph(entry: string): Promise<{ modules: number; bare: string[] }> {
  const from = /(?:^|[;\n])\s*(?:import|export)\s[^;'"]*?from\s*['"]([^'"]+)['"]|(?:^|[;\n])\s*import\s*['"]([^'"]+)['"]/g;
  const seen = new Set<string>(), bare: string[] = [], todo = [entry];
  while (todo.length) {
    const file = todo.pop()!;
    if (seen.has(file)) continue;
    seen.add(file);
    for (const m of (await readFile(file, 'utf8')).matchAll(from)) {
      const spec = (m[1] ?? m[2])!;
      if (spec.startsWith('.')) todo.push(resolve(dirname(file), spec));
      else bare.push(`${spec} (imported by ${relative(root, file)})`);
    }
  }
  return { modules: seen.size, bare };
}

test('browser entry: no node: module and no other package anywhere in its static imports', async () => {
  const { modules, bare } = await staticGraph(await browserEntry());
  assert.ok(modules > 50, `walked ${modules} modules`);
  assert.deepEqual(bare, []);
});

test('the import walker sees what the Node entry imports (it can fail)', async () => {
  const { bare } = await staticGraph(resolve(root, 'dist/src/index.js'));
  assert.ok(bare.some((s) => s.startsWith('node:fs/promises')), bare.join(', '));
});

test('browser entry: every export of the Node entry, except the Node-only ones', async () => {
  const node = Object.keys(await import(resolve(root, 'dist/src/index.js'))).sort();
  const browser = Object.keys(await import(await browserEntry())).sort();
  assert.deepEqual(browser, node.filter((n) => !NODE_ONLY.includes(n)));
  for (const n of NODE_ONLY) assert.ok(node.includes(n), `${n} is a Node entry export`);
});
