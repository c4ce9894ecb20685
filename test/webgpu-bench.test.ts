import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { gpuOrSkip } from '../src/backends/webgpu/gpu-or-skip.js';
import { labelAdapter } from '../src/cli/commands/bench.js';
import { lowbitIn } from './run-cli.js';

// `lowbit bench` on the default backend times WebGPU beside it where an adapter exists, labelled
// with the adapter, and SwiftShader (the CPU) is never shown as a GPU.

test('bench labels a SwiftShader adapter as CPU emulation, a GPU by its own name', () => {
  assert.equal(labelAdapter('google swiftshader swiftshader-device-subzero SwiftShader driver 5.0.0'), 'SwiftShader (CPU emulation, not a GPU)');
  assert.equal(labelAdapter('nvidia hopper NVIDIA H100 80GB HBM3'), 'nvidia hopper NVIDIA H100 80GB HBM3');
});

const gpu = await gpuOrSkip('webgpu bench');
if (gpu) {
  const dir = await mkdtemp(join(tmpdir(), 'lowbit-webgpu-bench-'));
  after(() => rm(dir, { recursive: true, force: true }));
  const env: Record<string, string> = { LOWBIT_BACKEND: '' };
  const lowbit = lowbitIn(dir, env);

  test('lowbit bench on the default backend adds a WebGPU row with the adapter\'s name', async () => {
    const run = join(dir, 'run'), model = join(dir, 'tiny.lbit');
    assert.equal((await lowbit('train', 'mnist-mlp', '--width', '32', '--depth', '1', '--limit', '200', '--epochs', '1', '-o', run)).code, 0);
    assert.equal((await lowbit('export', join(run, 'last.ckpt'), '-o', model)).code, 0);
    const bench = await lowbit('bench', model, '--json');
    assert.equal(bench.code, 0, bench.stderr);
    const b = JSON.parse(bench.stdout) as { backend: string; webgpu?: { adapter: string; batch1Ms: number; batch100ImagesPerSec: number } };
    assert.notEqual(b.backend, 'webgpu');
    assert.equal(b.webgpu?.adapter, gpu.adapter, bench.stdout);
    assert.ok(b.webgpu.batch1Ms > 0 && b.webgpu.batch100ImagesPerSec > 0, bench.stdout);
  });
}
