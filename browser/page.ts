// The test page's module: the checks in a Worker with two threads, then on the page's own main
// thread (one thread: it may not block), then the WebGPU backend's where navigator.gpu exists.
// The outcome lands in window.lowbitResult.
import { runChecks, type BrowserReport } from './checks.js';
import { runWebGpuChecks } from './webgpu-checks.js';

type Outcome = BrowserReport | { error: string };

function inWorker(threads: number): Promise<Outcome> {
  return new Promise((resolve) => {
    const worker = new Worker(new URL('./worker.js', import.meta.url), { type: 'module' });
    worker.onmessage = (e: MessageEvent<Outcome>) => { worker.terminate(); resolve(e.data); };
    worker.onerror = (e) => { worker.terminate(); resolve({ error: `worker: ${e.message}` }); };
    worker.postMessage({ threads });
  });
}

async function main(): Promise<Record<string, Outcome | boolean | object>> {
  const worker = await inWorker(2);
  let page: Outcome;
  try { page = await runChecks(2); } catch (e) { page = { error: String((e as Error)?.stack ?? e) }; }
  let webgpu: Awaited<ReturnType<typeof runWebGpuChecks>> | { error: string };
  try { webgpu = await runWebGpuChecks(); } catch (e) { webgpu = { error: String((e as Error)?.message ?? e) }; }
  return { crossOriginIsolated: self.crossOriginIsolated, worker, page, webgpu };
}

(window as unknown as { lowbitResult: Promise<unknown> }).lowbitResult = main();
