/** Where a cifar10-cnv training step's main-thread time goes, from a V8 CPU profile of
 *  bench/conv-training-step.js: self time per function, and the time spent copying operands into
 *  and out of wasm memory (the arena's input/copyOut) by the kernel glue that asked for it.
 *  Run: node --cpu-prof --cpu-prof-dir=runs/prof dist/bench/conv-training-step.js
 *       node dist/bench/conv-training-profile.js runs/prof/CPU.<...>.001.cpuprofile LABEL
 *  (the .001 profile is the main thread's; the others are the worker threads'); LABEL names the
 *  profiled build (its commit) and the load it ran under. Appends a section to
 *  bench/results/conv-training-profile.md. */
import { appendFile, mkdir, readFile } from 'node:fs/promises';
import { runInfo } from '../src/train/run-info.js';

interface Frame { functionName: string; url: string; lineNumber: number }
interface ProfileNode { id: number; callFrame: Frame; children?: number[] }
interface Profile { nodes: ProfileNode[]; samples: number[]; timeDeltas: number[] }

const [file, label] = process.argv.slice(2);
if (!file || !label) { console.error('usage: node dist/bench/conv-training-profile.js PROFILE.cpuprofile LABEL'); process.exit(2); }
const profile = JSON.parse(await readFile(file, 'utf8')) as Profile;
const byId = new Map(profile.nodes.map((n) => [n.id, n])), parent = new Map<number, number>();
for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
const where = (f: Frame): string => `${f.functionName || '(anonymous)'} ${f.url.split('/').slice(-2).join('/')}:${f.lineNumber + 1}`;
const isCopy = (f: Frame): boolean => f.url.endsWith('wasm/arena.js') && ['input', 'inputBytes', 'copyOut'].includes(f.functionName);

const self = new Map<string, number>(), copies = new Map<string, number>();
let total = 0, copying = 0;
for (let i = 0; i < profile.samples.length; i++) {
  const node = byId.get(profile.samples[i]!)!, us = profile.timeDeltas[i] ?? 0;
  total += us;
  self.set(where(node.callFrame), (self.get(where(node.callFrame)) ?? 0) + us);
  if (!isCopy(node.callFrame)) continue;
  copying += us;
  // the glue that asked: the first caller outside the arena and the elementwise kernels' shared map
  let id = parent.get(node.id);
  while (id !== undefined && (byId.get(id)!.callFrame.url.endsWith('wasm/arena.js') || byId.get(id)!.callFrame.functionName === 'map')) id = parent.get(id);
  const key = id === undefined ? '(unknown)' : where(byId.get(id)!.callFrame);
  copies.set(key, (copies.get(key) ?? 0) + us);
}
const s = (us: number): string => (us / 1e6).toFixed(3);
const pct = (us: number): string => `${(100 * us / total).toFixed(1)} %`;
const top = (m: Map<string, number>, count: number): [string, number][] => [...m].sort((a, b) => b[1] - a[1]).slice(0, count);
const info = runInfo();
const md = `\n## ${label}\n\nsummarized ${info.date}, ${info.machine}, Node ${info.node}\n\n`
  + `main thread: ${s(total)} s sampled, of which copies into and out of wasm memory ${s(copying)} s (${pct(copying)})\n\n`
  + `| function (self time) | s | share |\n|---|---|---|\n${top(self, 15).map(([k, v]) => `| ${k} | ${s(v)} | ${pct(v)} |`).join('\n')}\n\n`
  + `| copies asked for by | s | share |\n|---|---|---|\n${top(copies, 12).map(([k, v]) => `| ${k} | ${s(v)} | ${pct(v)} |`).join('\n')}\n`;
await mkdir('bench/results', { recursive: true });
await appendFile('bench/results/conv-training-profile.md', md);
process.stdout.write(md);
