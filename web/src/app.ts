// The demo page: a drawing pad classified as you draw by the packed BNN (lowbit) and by its
// float32 twin (onnxruntime-web), each with its time per image; a backend picker; training in
// a Worker with a live curve, whose packed model can be downloaded and drawn against.
import { backendNames, decodeModel, PackedEngine, useBackend, type PackedGraph } from 'lowbit';
import { Curve } from './curve.js';
import { loadFloatTwin, type FloatTwin } from './float-twin.js';
import { Pad } from './pad.js';
import { toMnist } from './preprocess.js';
import type { FromWorker, StartTraining } from './train-messages.js';

const $ = <T extends Element = HTMLElement>(id: string) => document.getElementById(id) as unknown as T;
const SHIPPED = new URL('../models/mnist-mlp-256x2.lbit', import.meta.url);
const TWIN = new URL('../models/mnist-mlp-256x2.onnx', import.meta.url);

let graphs: { shipped?: PackedGraph; trained?: PackedGraph } = {};
let engine: PackedEngine | null = null;
let twin: FloatTwin | null = null;
let busy = false, pending = false, classified = 0;

/** Frees an engine's backend memory where the engine can (the async engine has dispose()). */
const release = (e: PackedEngine | null) => (e as { dispose?: () => void } | null)?.dispose?.();

/** Time of one call: the median of 7 rounds of r calls each, r doubled until a round takes 3 ms
 *  (a page that is not cross-origin isolated sees performance.now() in steps of 0.1 ms). */
async function medianMs(f: () => Promise<unknown>): Promise<number> {
  const round = async (r: number) => { const t = performance.now(); for (let i = 0; i < r; i++) await f(); return performance.now() - t; };
  let r = 1;
  while (r < 1 << 14 && (await round(r)) < 3) r *= 2;
  const times: number[] = [];
  for (let i = 0; i < 7; i++) times.push((await round(r)) / r);
  return times.sort((a, b) => a - b)[3]!;
}

const argmax = (s: Float32Array) => s.reduce((best, v, i) => (v > s[best]! ? i : best), 0);

function show(which: 'lbit' | 'onnx', scores: Float32Array | null, ms: number | null, note = ''): void {
  const bars = $(`${which}-scores`);
  const cls = scores ? argmax(scores) : -1, lo = scores ? Math.min(...scores) : 0, hi = scores ? Math.max(...scores) : 1;
  bars.innerHTML = Array.from({ length: 10 }, (_, d) => {
    const v = scores ? scores[d]! : 0, w = scores && hi > lo ? ((v - lo) / (hi - lo)) * 100 : 0;
    return `<div class="bar${d === cls ? ' top' : ''}"><span>${d}</span><i style="width:${w.toFixed(1)}%"></i><b>${scores ? v.toFixed(2) : ''}</b></div>`;
  }).join('');
  $(`${which}-class`).textContent = scores ? String(cls) : '–';
  $(`${which}-time`).textContent = ms === null ? note : `${(ms * 1000).toFixed(0)} µs per image`;
}

async function classify(): Promise<void> {
  if (busy) { pending = true; return; }
  busy = true;
  try {
    const pixels = toMnist(pad.ink(), pad.canvas.width, pad.canvas.height);
    drawPreview(pixels);
    if (!pixels.some((p) => p)) { show('lbit', null, null, ''); show('onnx', null, null, ''); return; }
    if (engine) {
      const e = engine, scores = await e.run(pixels, 1);
      show('lbit', scores, await medianMs(() => Promise.resolve(e.run(pixels, 1))));
    }
    const usingShipped = ($('model') as HTMLSelectElement).value === 'shipped';
    if (twin && usingShipped) {
      const t = twin, scores = await t.scores(pixels);
      show('onnx', scores, await medianMs(() => t.scores(pixels)));
    } else show('onnx', null, null, twin ? 'the float twin is of the shipped model only' : 'onnxruntime-web did not load');
    const a = Number($('lbit-time').textContent!.split(' ')[0]), b = Number($('onnx-time').textContent!.split(' ')[0]);
    $('speedup').textContent = a > 0 && b > 0 ? `packed BNN ${(b / a).toFixed(1)}x faster than float32 ONNX per image` : '';
  } finally {
    busy = false;
    document.body.dataset['classified'] = String(++classified);
    if (pending) { pending = false; void classify(); }
  }
}

function drawPreview(pixels: Uint8Array): void {
  const c = $<HTMLCanvasElement>('preview').getContext('2d')!, img = c.createImageData(28, 28);
  pixels.forEach((p, i) => { img.data[i * 4 + 3] = p; });
  c.putImageData(img, 0, 0);
}

async function useModel(): Promise<void> {
  const which = ($('model') as HTMLSelectElement).value as 'shipped' | 'trained';
  release(engine);
  engine = graphs[which] ? new PackedEngine(graphs[which]!) : null;
  await classify();
}

/** The picker: wasm and reference always; WebGPU where navigator.gpu exists and lowbit has it. */
function setUpBackends(): void {
  const select = $<HTMLSelectElement>('backend'), have = backendNames();
  const gpu = (navigator as { gpu?: unknown }).gpu;
  const reasons: Record<string, string | null> = {
    wasm: have.includes('wasm') ? null : 'not registered',
    reference: null,
    webgpu: !gpu ? 'unavailable: this browser has no navigator.gpu' : have.includes('webgpu') ? null : 'unavailable: no WebGPU backend in this build of lowbit',
  };
  for (const option of select.options) {
    const why = reasons[option.value];
    option.disabled = why !== null && why !== undefined;
    if (why) option.textContent = `${option.value} (${why})`;
  }
  select.addEventListener('change', () => void pickBackend(select.value));
}

async function pickBackend(name: string): Promise<void> {
  const k = await useBackend(name) as unknown as { threads?: number; shared?: boolean };
  $('backend-note').textContent = name === 'wasm'
    ? `wasm: ${k.threads ?? 1} thread here (a page's main thread may not block); training Worker: ${self.crossOriginIsolated ? `up to ${navigator.hardwareConcurrency} threads` : '1 thread (not cross-origin isolated: no SharedArrayBuffer)'}`
    : name === 'reference' ? 'reference: plain TypeScript, slow and obviously right' : name;
  document.body.dataset['backend'] = name;
  await useModel();
}

function setUpTraining(): void {
  let worker: Worker | null = null, steps = 1;
  const curve = new Curve($<SVGSVGElement>('curve'), () => steps);
  $('train').addEventListener('click', () => {
    worker?.terminate();
    curve.clear();
    worker = new Worker(new URL('./train-worker.js', import.meta.url), { type: 'module' });
    const o: StartTraining = {
      type: 'start', backend: $<HTMLSelectElement>('backend').value, width: Number($<HTMLInputElement>('width').value), depth: 2,
      epochs: Number($<HTMLInputElement>('epochs').value), batchSize: 100, lr: 0.003, logEvery: 5,
    };
    $('train-status').textContent = 'training…';
    $('train-setup').textContent = 'loading the MNIST subset…';
    $('stop').removeAttribute('disabled');
    worker.onmessage = (e: MessageEvent<FromWorker>) => {
      const m = e.data;
      if (m.type === 'ready') $('train-setup').textContent = `${m.images} images, backend ${m.backend}, ${m.threads} thread${m.threads > 1 ? 's' : ''}`;
      else if (m.type === 'progress') {
        steps = m.steps;
        curve.add(m.step, m.loss, m.error);
        $('train-rate').textContent = `step ${m.step}/${m.steps} · loss ${m.loss.toFixed(3)} · batch error ${(m.error * 100).toFixed(0)} % · ${m.samplesPerSec.toFixed(0)} samples/s`;
        document.body.dataset['curvePoints'] = String(curve.points.length);
      } else if (m.type === 'done') {
        graphs.trained = decodeModel(m.lbit, 'trained in the page');
        const a = $<HTMLAnchorElement>('download');
        if (a.href) URL.revokeObjectURL(a.href);
        a.href = URL.createObjectURL(new Blob([m.lbit], { type: 'application/octet-stream' }));
        a.textContent = `download the trained model (.lbit, ${(m.lbit.byteLength / 1024).toFixed(1)} KiB)`;
        a.hidden = false;
        $('train-status').textContent = `${m.stopped ? 'stopped' : 'done'} after ${m.steps} steps: validation error ${(m.valError * 100).toFixed(2)} % on 1000 images; the pad now uses it`;
        $<HTMLOptionElement>('model-trained').disabled = false;
        $<HTMLSelectElement>('model').value = 'trained';
        $('stop').setAttribute('disabled', '');
        document.body.dataset['trained'] = 'true';
        worker?.terminate(); worker = null;
        void useModel();
      } else {
        $('train-status').textContent = `training failed: ${m.message}`;
        $('stop').setAttribute('disabled', '');
      }
    };
    worker.postMessage(o);
  });
  $('stop').addEventListener('click', () => worker?.postMessage({ type: 'stop' }));
}

const pad = new Pad($<HTMLCanvasElement>('pad'), () => void classify());
$('clear').addEventListener('click', () => pad.clear());
$('model').addEventListener('change', () => void useModel());
$('isolation').textContent = self.crossOriginIsolated
  ? 'cross-origin isolated: SharedArrayBuffer and threads on'
  : 'not cross-origin isolated: one thread everywhere (serve with lowbit demo for threads)';
setUpBackends();
setUpTraining();
graphs.shipped = decodeModel(await (await fetch(SHIPPED)).arrayBuffer(), SHIPPED.pathname);
twin = await loadFloatTwin(TWIN).catch((e: unknown) => { $('onnx-time').textContent = `onnxruntime-web failed: ${String(e)}`; return null; });
await pickBackend('wasm').catch(() => pickBackend('reference'));
document.body.dataset['ready'] = 'true';
