import { describe, test } from 'node:test';
import { convChecks } from './conformance-conv.js';
import { convTrainingChecks } from './conformance-conv-training.js';
import { deployConvChecks } from './conformance-deploy-conv.js';
import { elementwiseChecks, inPlace } from './conformance-elementwise.js';
import { engineChecks, type EngineKernelName } from './conformance-engine.js';
import { Harness, type Check } from './conformance-harness.js';
import { productChecks } from './conformance-products.js';
import { rnnChecks } from './conformance-rnn.js';
import { sequenceChecks } from './conformance-sequence.js';
import { trainingChecks } from './conformance-training.js';
import type { KernelName, Kernels } from './kernels.js';

// the packed-inference kernels' checks (conformance-engine.ts) run through the same harness
const engine = Object.fromEntries(Object.entries(engineChecks).map(([kernel, check]) => [kernel, (h: Harness) => check(h.backend, h.backend.name)])) as Record<EngineKernelName, Check>;
const checks: Record<KernelName, Check> = { ...productChecks, ...elementwiseChecks, ...trainingChecks, ...engine, ...rnnChecks, ...convChecks, ...sequenceChecks, ...convTrainingChecks, ...deployConvChecks };

/** Storage variants: every storage uploaded (`fromArray`); every one persistent (`alloc(…, true)`
 *  then `write`: wasm places these in its own memory and reads them in place); every other
 *  argument of a call persistent (both kinds mixed in one call). */
const VARIANTS: [string, (argument: number) => boolean][] = [
  ['', () => false],
  [' with persistent storage', () => true],
  [' with every other argument persistent', (i) => i % 2 === 1],
];

export interface ConformanceOptions {
  /** Kernels not checked, each with the reason. */
  skip?: Partial<Record<KernelName, string>>;
  /** false: only the uploaded-storage variant, for a backend whose persistent storage is no
   *  different (it triples the run's time). */
  persistent?: boolean;
}

/** Check every kernel of a backend against the reference on seeded random inputs of awkward
 *  sizes: k around word boundaries (1, 31, 32, 33, 63, 65, 1000), one row, empty products, and
 *  shapes big enough to be split across threads. Only the storage contract is used (inputs
 *  uploaded, results read back by `await read`), so a backend that finishes its kernels later is
 *  checked as ops use it. Bit and integer kernels must match exactly; float kernels within the
 *  tolerance stated beside each. A failure names seed and shape. A kernel the backend does not
 *  implement itself is checked too: it is the reference's, run on the backend's storage.
 *  @example runConformance('webgpu', gpu, { skip: { bitSerialLogGemm: 'not in WGSL yet' } }) */
export function runConformance(name: string, backend: Kernels, opts: ConformanceOptions = {}): void {
  for (const [variant, persistent] of opts.persistent === false ? VARIANTS.slice(0, 1) : VARIANTS) {
    describe(`conformance: ${name}${variant} vs reference`, () => {
      for (const kernel of Object.keys(checks) as KernelName[]) {
        const skip = opts.skip?.[kernel], label = backend.native.has(kernel) ? kernel : `${kernel} (the reference's)`;
        test(label, skip ? { skip } : {}, () => checkKernel(backend, kernel, persistent));
      }
      test('in place: out is an input', () => withHarness(backend, persistent, inPlace));
    });
  }
}

/** One kernel's checks on a backend; rejects on the first difference from the reference. */
export function checkKernel(backend: Kernels, kernel: KernelName, persistent: (argument: number) => boolean = () => false): Promise<void> {
  return withHarness(backend, persistent, checks[kernel]);
}

async function withHarness(backend: Kernels, persistent: (argument: number) => boolean, check: Check): Promise<void> {
  const h = new Harness(backend, persistent);
  try {
    await check(h);
  } finally {
    h.free();
  }
}
