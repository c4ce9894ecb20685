import assert from 'node:assert/strict';
import { test } from 'node:test';
import { runConformance } from '../conformance.js';
import { gpuOrSkip } from './gpu-or-skip.js';

// On a CPU this runs on SwiftShader (Debian's chromium package); where no adapter can be had it
// is skipped with the reason, except under CI, which installs chromium and must run it.
const gpu = await gpuOrSkip('webgpu conformance');
if (gpu) {
  runConformance('webgpu', gpu, { persistent: false }); // persistent storage is the same GPU buffers

  test('webgpu: a kernel after a read, a reference fallback and a write sees their results, in call order', async () => {
    const x = gpu.fromArray(Float32Array.of(-2, 0.5, 3, -0)), y = gpu.alloc('f32', 4), levels = gpu.alloc('f32', 4);
    gpu.clamp(x, y, -1, 1);
    const first = gpu.read(y);
    gpu.linearQuantize(y, levels, 3, -1, 1); // not in WGSL: the reference's, on read-back storage
    gpu.sign(levels, y);
    gpu.write(x, Float32Array.of(1, 1, 1, 1));
    gpu.broadcastBinary('add', x, [1], y, [1], y, [4]);
    assert.deepEqual(await first, Float32Array.of(-1, 0.5, 1, -0));
    assert.deepEqual(await gpu.read(levels), Float32Array.of(-1, 1, 1, 0));
    assert.deepEqual(await gpu.read(y), Float32Array.of(0, 2, 2, 2));
    assert.ok(gpu.native.has('xnorGemm') && !gpu.native.has('linearQuantize'));
  });

  test('webgpu: the packed engine runs in WGSL, all but scoreRows (float64 arithmetic, which WGSL lacks)', () => {
    const engine = ['prepareBinaryWeights', 'binaryProduct', 'prepareBinaryThreshold', 'binaryThreshold', 'preparePixelWeights',
      'pixelProduct', 'preparePixelThreshold', 'pixelThreshold', 'pixelSignGemm', 'freePrepared', 'packPlanes', 'combinePlanes',
      'combinePixelProducts', 'packCodes', 'thresholdPack'] as const;
    assert.deepEqual(engine.filter((k) => !gpu.native.has(k)), []);
    assert.equal(gpu.native.has('scoreRows'), false);
  });
}
