// Child process of bench/deploy.ts: load one model with only its own runtime imported, run batch
// 100 five times, print peak RSS. Kind 'none' imports nothing (the Node baseline).
import { readFileSync } from 'node:fs';

const [kind, file] = process.argv.slice(2) as [string, string];
const rng = (i: number) => (i * 2654435761) >>> 24; // any bytes will do: speed and memory do not depend on them
const pixels = Uint8Array.from({ length: 100 * 784 }, (_, i) => rng(i));
if (kind === 'lowbit') {
  const { initDefaultBackend } = await import('../src/backends/default-backend.js');
  const { PackedEngine } = await import('../src/deploy/engine.js');
  const { decodeModel } = await import('../src/deploy/model-file.js');
  await initDefaultBackend();
  const engine = new PackedEngine(decodeModel(readFileSync(file)));
  for (let i = 0; i < 5; i++) await engine.run(pixels, 100);
} else if (kind === 'ort') {
  const ort = (await import('onnxruntime-node')).default;
  const s = await ort.InferenceSession.create(file, { intraOpNumThreads: 1 });
  const x = Float32Array.from(pixels, (p) => (2 * p) / 255 - 1);
  for (let i = 0; i < 5; i++) await s.run({ x: new ort.Tensor('float32', x, [100, 784]) });
}
// VmHWM: peak RSS of this address space, reset by exec; getrusage's maxRSS would report the
// forking parent's peak when that is larger (Linux keeps ru_maxrss across execve)
const hwm = /VmHWM:\s+(\d+) kB/.exec((() => { try { return readFileSync('/proc/self/status', 'utf8'); } catch { return ''; } })());
process.stdout.write(JSON.stringify({ maxRssKb: hwm ? Number(hwm[1]) : process.resourceUsage().maxRSS }));
process.exit(0);
