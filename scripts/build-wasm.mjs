// Builds the wasm backend's four modules from src/backends/wasm/assembly/index.ts into build/:
//   lowbit.wasm             SIMD + threads (shared memory)
//   lowbit-st.wasm          SIMD, one thread (where SharedArrayBuffer is missing)
//   lowbit-relaxed.wasm     the first with relaxed SIMD, loaded where the engine has it
//   lowbit-st-relaxed.wasm  the second with relaxed SIMD
// Two builds at a time (asc is single-threaded).
import { spawn } from 'node:child_process';
import { createRequire } from 'node:module';

const asc = createRequire(import.meta.url).resolve('assemblyscript/bin/asc.js');
const common = ['src/backends/wasm/assembly/index.ts', '-O3', '--runtime', 'stub', '--noAssert', '--enable', 'simd',
  '--importMemory', '--initialMemory', '256', '--maximumMemory', '65536'];
const threads = ['--enable', 'threads', '--sharedMemory'], relaxed = ['--enable', 'relaxed-simd'];
const builds = [
  ['build/lowbit.wasm', threads], ['build/lowbit-st.wasm', []],
  ['build/lowbit-relaxed.wasm', [...threads, ...relaxed]], ['build/lowbit-st-relaxed.wasm', relaxed],
];

function build([out, extra]) {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [asc, ...common, ...extra, '-o', out], { stdio: 'inherit' });
    child.on('exit', (code) => (code === 0 ? resolve() : reject(new Error(`asc failed for ${out} (exit ${code})`))));
  });
}

try {
  for (let i = 0; i < builds.length; i += 2) await Promise.all(builds.slice(i, i + 2).map(build));
} catch (e) {
  console.error(String(e.message ?? e));
  process.exit(1);
}
