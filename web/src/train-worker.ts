// The page's training Worker: a small BNN on the MNIST subset the build put beside the page,
// with lowbit's own ops, loss and optimizer. A Worker may block, so the wasm backend runs its
// threads here when the page is cross-origin isolated. Posts the loss and the batch error at
// each logging interval, and the packed .lbit when done or stopped.
import { Adam, backward, batches, classificationError, compile, encodeModel, kernels, lossByName, mnistMlp, Random, useBackend, type Dataset } from 'lowbit';
import type { FromWorker, StartTraining, ToWorker } from './train-messages.js';

const post = (m: FromWorker, transfer: Transferable[] = []) => (self as unknown as Worker).postMessage(m, transfer);
let stopping = false;

/** The subset file: n × 784 pixel bytes, then n label bytes. */
async function loadSubset(url: URL, name: string): Promise<Dataset> {
  const bytes = new Uint8Array(await (await fetch(url)).arrayBuffer()), count = bytes.length / 785;
  if (!Number.isInteger(count) || count < 1) throw new Error(`${url.pathname}: ${bytes.length} bytes is not n × (784 + 1); rebuild with npm run build:web`);
  return { name, images: bytes.subarray(0, count * 784), labels: Int32Array.from(bytes.subarray(count * 784)), count, features: 784, shape: [28, 28, 1] };
}

async function train(o: StartTraining): Promise<void> {
  await useBackend(o.backend);
  const k = kernels() as unknown as { threads?: number; setThreads?: (n: number) => Promise<void> };
  if (k.setThreads) await k.setThreads(Math.min(navigator.hardwareConcurrency || 1, 4));
  const [data, validation] = await Promise.all([loadSubset(new URL('../data/mnist-train.bin', import.meta.url), 'mnist-train-subset'),
    loadSubset(new URL('../data/mnist-validation.bin', import.meta.url), 'mnist-validation-subset')]);
  post({ type: 'ready', backend: o.backend, threads: k.threads ?? 1, images: data.count });
  const model = mnistMlp({ width: o.width, depth: o.depth, seed: 1 });
  const rng = new Random(1), loss = lossByName('squaredHinge'), optimizer = new Adam(model.parameters(), { lr: o.lr });
  model.useRandom(rng).train();
  const steps = o.epochs * Math.floor(data.count / o.batchSize);
  let step = 0, seen = 0;
  const start = performance.now();
  for (let epoch = 0; epoch < o.epochs && !stopping; epoch++) {
    for (const b of batches(data, { batchSize: o.batchSize, rng, scale: 'symmetric', dropLast: true })) {
      const scores = model.forward(b.x), l = loss(scores, b.labels);
      backward(l);
      optimizer.step();
      step++; seen += b.labels.length;
      if (step % o.logEvery === 0 || step === 1 || step === steps) { // the only reads back: one per interval
        const s = await scores.data(), [value] = await l.data();
        let wrong = 0;
        for (let i = 0; i < b.labels.length; i++) {
          let best = 0;
          for (let c = 1; c < 10; c++) if (s[i * 10 + c]! > s[i * 10 + best]!) best = c;
          if (best !== b.labels[i]) wrong++;
        }
        post({ type: 'progress', step, steps, loss: value!, error: wrong / b.labels.length, samplesPerSec: seen / ((performance.now() - start) / 1000) });
        await new Promise((r) => setTimeout(r, 0)); // let a 'stop' message in
        if (stopping) break;
      }
    }
  }
  model.eval();
  const valError = await classificationError(model, validation, 'symmetric');
  const lbit = encodeModel(await compile(model, { scale: 'symmetric' }));
  const buffer = lbit.buffer.slice(lbit.byteOffset, lbit.byteOffset + lbit.byteLength) as ArrayBuffer;
  post({ type: 'done', steps: step, valError, lbit: buffer, stopped: stopping }, [buffer]);
}

self.onmessage = (e: MessageEvent<ToWorker>) => {
  if (e.data.type === 'stop') { stopping = true; return; }
  stopping = false;
  train(e.data).catch((err: unknown) => post({ type: 'error', message: String((err as Error)?.message ?? err) }));
};
