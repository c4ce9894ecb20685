// Kernel benchmark: the wasm backend's binary GEMM against the same algorithm compiled natively,
// and its float32 GEMM, side by side in one run on this machine (DESIGN.md, performance model).
// Writes bench/results/kernels.json and kernels.md. Run: npm run bench:kernels
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { availableParallelism, cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { loadWasmKernels } from '../src/backends/wasm/index.js';
import type { WasmKernels } from '../src/backends/wasm/index.js';
import { packSlices } from '../src/backends/reference/xnor-gemm-sliced.js';

const SHAPES: [number, number, number][] = [[1024, 1024, 4096], [2048, 2048, 8192], [100, 2048, 2048], [1, 4096, 4096]];
const THREADS = [1, 2];
const REPS = 7;       // binary products: median of 7 after 2 warm-ups
const FLOAT_REPS = 5; // float products are ~10x slower: median of 5 after 1 warm-up

// this file runs as dist/bench/kernels.js; the sources (C file, results) are in <root>/bench
const root = fileURLToPath(new URL('../../', import.meta.url));

interface Row {
  m: number; n: number; k: number; threads: number;
  wasmXnorGmacs: number; wasmResidentXnorGmacs: number | null;
  /** xnorGemmSliced with B pre-laid by packSlices and resident (as the packed engine holds it). */
  wasmSlicedGmacs: number | null;
  nativeXnorGmacs: number | null; nativeAvx2XnorGmacs: number | null;
  wasmGemmGflops: number; binaryOverFloat: number;
}

export async function benchKernels(): Promise<void> {
  const loadBefore = loadavg()[0]!;
  const wasm = await loadWasmKernels();
  const natives = buildNatives();
  const rows: Row[] = [];
  for (const [m, n, k] of SHAPES) for (const threads of THREADS) {
    await wasm.setThreads(threads);
    const macs = m * n * k;
    const wasmXnorGmacs = macs / median(timeXnor(wasm, m, n, k, false)) / 1e9;
    const resident = wasm.shared ? macs / median(timeXnor(wasm, m, n, k, true)) / 1e9 : null;
    const sliced = wasm.native.has('xnorGemmSliced') ? macs / median(timeSliced(wasm, m, n, k)) / 1e9 : null;
    const nativeOf = (exe: string | null) => (exe ? macs / median(runNative(exe, m, n, k, threads)) / 1e9 : null);
    const wasmGemmGflops = (2 * macs) / median(timeGemm(wasm, m, n, k)) / 1e9;
    const row: Row = { m, n, k, threads, wasmXnorGmacs, wasmResidentXnorGmacs: resident, wasmSlicedGmacs: sliced, nativeXnorGmacs: nativeOf(natives.native),
      nativeAvx2XnorGmacs: nativeOf(natives.avx2), wasmGemmGflops, binaryOverFloat: wasmXnorGmacs / (wasmGemmGflops / 2) };
    rows.push(row);
    console.error(line(row));
  }
  wasm.close();
  if (natives.dir) rmSync(natives.dir, { recursive: true, force: true });
  const machine = {
    cpu: cpus()[0]?.model ?? 'unknown', cpuFlags: simdFlags(), cores: availableParallelism(),
    node: process.version, date: new Date().toISOString(), commit: gitCommit(),
    // other processes on a shared machine steal cores: above ~0.5 the 2-thread rows understate
    loadAverage1m: `${loadBefore.toFixed(2)} before, ${loadavg()[0]!.toFixed(2)} after`,
  };
  const notes = [
    'G binary-MAC/s = m·n·k / seconds (one MAC = one ±1 multiply-add); GFLOP/s = 2·m·n·k / seconds.',
    'binary/float = binary MAC/s ÷ float MAC/s, both wasm, same threads.',
    'wasm timings are whole Kernels calls: they include copying inputs into wasm memory and the result out; '
      + 'resident B: B allocated in wasm memory (Kernels.alloc(kind, n, true)), as deployed weights can be, so only A and C are copied.',
    'wasm sliced: xnorGemmSliced, the same product by bit-sliced counting (B transposed per 128 columns once by packSlices, '
      + 'resident, as the packed engine holds its hidden layers); it reads only the rows of the rarer bit value of each A row, '
      + 'so its speed depends on A: here random bits (about half ones), its typical case. sliced/XNOR: over the resident-B XNOR.',
    'native: bench/xnor-gemm-native.c, cc -O3 -march=native -fopenmp (uses AVX-512 VPOPCNTQ where the CPU has it); '
      + 'native AVX2: the same with -mno-avx512f, i.e. what a Zen 3 class CPU could do.',
    `median of ${REPS} (binary) / ${FLOAT_REPS} (float) timed runs after warm-up.`,
    ...natives.messages,
  ];
  mkdirSync(join(root, 'bench/results'), { recursive: true });
  writeFileSync(join(root, 'bench/results/kernels.json'), JSON.stringify({ machine, notes, rows }, null, 2) + '\n');
  writeFileSync(join(root, 'bench/results/kernels.md'), markdown(machine, notes, rows));
  console.log(markdown(machine, notes, rows));
}

/** With residentB, B (the weights of a deployed layer) lives in wasm memory (alloc(kind, n, true)),
 *  as a deployed model's packed weights can: no copy of it per call. */
function timeXnor(wasm: WasmKernels, m: number, n: number, k: number, residentB: boolean): number[] {
  const words = Math.ceil(k / 32);
  const a = randomWords(m * words, 1), c = new Int32Array(m * n);
  let b = randomWords(n * words, 2);
  const own = residentB ? wasm.alloc('u32', b.length, true) : undefined;
  if (own) { own.set(b); b = own; }
  const seconds = timeRuns(REPS, 2, () => wasm.xnorGemm(a, b, c, m, n, k));
  if (own) wasm.free(own);
  return seconds;
}

/** xnorGemmSliced: the same product, B transposed per 128 columns once (packSlices) and resident. */
function timeSliced(wasm: WasmKernels, m: number, n: number, k: number): number[] {
  const words = Math.ceil(k / 32);
  const a = randomWords(m * words, 1), c = new Int32Array(m * n), b = randomWords(n * words, 2);
  clearTails(a, m, k); clearTails(b, n, k);
  const laid = packSlices(b, n, k), own = wasm.alloc('u32', laid.length, true);
  own.set(laid);
  const seconds = timeRuns(REPS, 2, () => wasm.xnorGemmSliced(a, own, c, m, n, k));
  wasm.free(own);
  return seconds;
}

/** Zero the bits past k of each row (the packed layout's invariant; the shapes here have none). */
function clearTails(x: Uint32Array, rows: number, k: number): void {
  const words = Math.ceil(k / 32), tail = k % 32;
  if (tail) for (let r = 0; r < rows; r++) x[r * words + words - 1]! &= (1 << tail) - 1;
}

function timeGemm(wasm: WasmKernels, m: number, n: number, k: number): number[] {
  const a = new Float32Array(m * k), b = new Float32Array(k * n);
  for (let i = 0; i < a.length; i++) a[i] = ((i * 7919) % 1000) / 1000 - 0.5; // values do not change float speed
  for (let i = 0; i < b.length; i++) b[i] = ((i * 104729) % 1000) / 1000 - 0.5;
  const c = new Float32Array(m * n);
  return timeRuns(FLOAT_REPS, 1, () => wasm.gemm(a, b, c, m, n, k, false, false, false));
}

function timeRuns(reps: number, warmups: number, run: () => void): number[] {
  for (let i = 0; i < warmups; i++) run(); // and lets V8 tier the wasm up to TurboFan
  const seconds: number[] = [];
  for (let i = 0; i < reps; i++) {
    const t0 = process.hrtime.bigint();
    run();
    seconds.push(Number(process.hrtime.bigint() - t0) / 1e9);
  }
  return seconds;
}

function randomWords(length: number, seed: number): Uint32Array {
  const out = new Uint32Array(length);
  let s = seed;
  for (let i = 0; i < length; i++) { s ^= s << 13; s ^= s >>> 17; s ^= s << 5; out[i] = s >>> 0; }
  return out;
}

/** Compile the native peer twice (as the machine allows, and AVX2 only) into a temp dir. */
function buildNatives(): { dir: string | null; native: string | null; avx2: string | null; messages: string[] } {
  const source = join(root, 'bench/xnor-gemm-native.c');
  const dir = mkdtempSync(join(tmpdir(), 'lowbit-bench-'));
  const messages: string[] = [];
  const build = (name: string, flags: string[]): string | null => {
    const exe = join(dir, name);
    for (const threading of [['-fopenmp'], []]) {
      try {
        execFileSync('cc', ['-O3', ...flags, ...threading, source, '-o', exe], { stdio: 'pipe' });
        if (threading.length === 0) messages.push(`${name}: built without OpenMP, 1 thread only`);
        return exe;
      } catch { /* next option */ }
    }
    messages.push(`${name}: skipped, no working C compiler (cc)`);
    return null;
  };
  const native = build('native', ['-march=native']);
  const avx2 = build('native-avx2', ['-march=native', '-mno-avx512f']);
  for (const message of messages) console.error(message);
  return { dir, native, avx2, messages };
}

function runNative(exe: string, m: number, n: number, k: number, threads: number): number[] {
  try {
    const out = execFileSync(exe, [m, n, k, threads, REPS].map(String), { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
    return (JSON.parse(out) as { seconds: number[] }).seconds;
  } catch {
    return [NaN]; // e.g. 2 threads asked of a build without OpenMP
  }
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
}

function simdFlags(): string {
  try {
    const flags = readFileSync('/proc/cpuinfo', 'utf8').match(/^flags\s*:(.*)$/m)?.[1]?.split(' ') ?? [];
    return ['avx2', 'popcnt', 'avx512f', 'avx512_vpopcntdq'].filter((f) => flags.includes(f)).join(' ');
  } catch { return 'unknown'; }
}

function gitCommit(): string {
  try { return execFileSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: root, encoding: 'utf8' }).trim(); } catch { return 'unknown'; }
}

const fmt = (x: number | null) => (x === null || Number.isNaN(x) ? '–' : x.toFixed(1));

function line(r: Row): string {
  return `(${r.m},${r.n},${r.k}) ×${r.threads}: wasm xnor ${fmt(r.wasmXnorGmacs)} GMAC/s, `
    + `resident B ${fmt(r.wasmResidentXnorGmacs)}, sliced ${fmt(r.wasmSlicedGmacs)}, native ${fmt(r.nativeXnorGmacs)}, `
    + `native AVX2 ${fmt(r.nativeAvx2XnorGmacs)}, wasm gemm ${fmt(r.wasmGemmGflops)} GFLOP/s`;
}

function markdown(machine: Record<string, string | number>, notes: string[], rows: Row[]): string {
  const head = '| M | N | K | threads | wasm XNOR GMAC/s | wasm XNOR, resident B | wasm sliced GMAC/s | sliced/XNOR | native GMAC/s | wasm/native | native AVX2 GMAC/s | wasm/AVX2 | wasm f32 GFLOP/s | binary/float (MAC/s) |';
  const body = rows.map((r) => `| ${r.m} | ${r.n} | ${r.k} | ${r.threads} | ${fmt(r.wasmXnorGmacs)} | ${fmt(r.wasmResidentXnorGmacs)} | ${fmt(r.wasmSlicedGmacs)} | `
    + `${r.wasmSlicedGmacs && r.wasmResidentXnorGmacs ? (r.wasmSlicedGmacs / r.wasmResidentXnorGmacs).toFixed(2) : '–'} | ${fmt(r.nativeXnorGmacs)} | `
    + `${r.nativeXnorGmacs ? (r.wasmXnorGmacs / r.nativeXnorGmacs).toFixed(2) : '–'} | ${fmt(r.nativeAvx2XnorGmacs)} | `
    + `${r.nativeAvx2XnorGmacs ? (r.wasmXnorGmacs / r.nativeAvx2XnorGmacs).toFixed(2) : '–'} | ${fmt(r.wasmGemmGflops)} | ${r.binaryOverFloat.toFixed(1)}x |`);
  return [
    '# Kernel benchmark: wasm backend', '',
    `${machine['cpu']} (${machine['cpuFlags']}), ${machine['cores']} cores, Node ${machine['node']}, `
      + `${machine['date']}, commit ${machine['commit']}, load average ${machine['loadAverage1m']}`, '',
    head, head.replace(/[^|]+/g, ' --- '), ...body, '', ...notes.map((n) => `- ${n}`), '',
  ].join('\n');
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) await benchKernels();
