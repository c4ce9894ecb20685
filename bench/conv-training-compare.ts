/** Two builds' cifar10-cnv training step (bench/conv-training-step.js of each) side by side in one
 *  run, taking turns A B A B … so drift on a shared machine hits both alike; each turn is a fresh
 *  process (STEPS steps after a warm-up, its own median). The medians of the turns' medians, and
 *  the per-kernel seconds of each build's last turn. Each build is a checkout whose `dist/` and
 *  `build/` are built; each turn runs in a scratch folder so neither writes this one's results.
 *  Each build is named in the results by its commit: `git rev-parse` in its folder, or for an
 *  exported tree (git archive) the first line of its COMMIT file; its folder by name only.
 *  Run: node dist/bench/conv-training-compare.js BEFORE_DIR AFTER_DIR [rounds]
 *  Writes bench/results/conv-training-compare.{json,md}. */
import { execFileSync } from 'node:child_process';
import { mkdtemp, mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { loadavg, tmpdir } from 'node:os';
import { readFileSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';
import { runInfo } from '../src/train/run-info.js';

const [beforeDir, afterDir, roundsArg] = process.argv.slice(2);
if (!beforeDir || !afterDir) { console.error('usage: node dist/bench/conv-training-compare.js BEFORE_DIR AFTER_DIR [rounds]'); process.exit(2); }
const rounds = Number(roundsArg ?? 3), steps = process.env['STEPS'] ?? '3';
const builds = { before: resolve(beforeDir), after: resolve(afterDir) };
function commitOf(dir: string): string {
  try {
    return execFileSync('git', ['rev-parse', '--short=12', 'HEAD'], { cwd: dir, stdio: ['ignore', 'pipe', 'ignore'] }).toString().trim();
  } catch {
    return readFileSync(join(dir, 'COMMIT'), 'utf8').split('\n')[0]!.trim() || 'unknown';
  }
}
const buildInfo = Object.fromEntries((['before', 'after'] as const).map((w) => {
  let commit = 'unknown';
  try { commit = commitOf(builds[w]); } catch { /* neither a checkout nor a COMMIT file */ }
  return [w, { commit, folder: basename(builds[w]) }];
})) as Record<keyof typeof builds, { commit: string; folder: string }>;
const median = (xs: number[]): number => { const s = [...xs].sort((a, b) => a - b); return s[Math.floor(s.length / 2)]!; };

interface Turn { medianStepSeconds: number; perKernel: { kernel: string; secondsPerStep: number }[] }
async function turn(dir: string): Promise<Turn> {
  const scratch = await mkdtemp(join(tmpdir(), 'conv-step-'));
  try {
    execFileSync('node', [join(dir, 'dist/bench/conv-training-step.js')], { cwd: scratch, env: { ...process.env, STEPS: steps }, stdio: 'ignore' });
    return JSON.parse(await readFile(join(scratch, 'bench/results/conv-training-step.json'), 'utf8')) as Turn;
  } finally { await rm(scratch, { recursive: true, force: true }); }
}

const loadBefore = loadavg()[0] ?? 0, turns: Record<keyof typeof builds, Turn[]> = { before: [], after: [] };
for (let r = 0; r < rounds; r++) for (const which of ['before', 'after'] as const) turns[which].push(await turn(builds[which]));
const seconds = { before: median(turns.before.map((t) => t.medianStepSeconds)), after: median(turns.after.map((t) => t.medianStepSeconds)) };
const kernelsOf = (t: Turn): Map<string, number> => new Map(t.perKernel.map((k) => [k.kernel, k.secondsPerStep]));
const kb = kernelsOf(turns.before.at(-1)!), ka = kernelsOf(turns.after.at(-1)!);
const names = [...new Set([...kb.keys(), ...ka.keys()])].filter((n) => Math.max(kb.get(n) ?? 0, ka.get(n) ?? 0) >= 0.005)
  .sort((x, y) => (kb.get(y) ?? 0) - (kb.get(x) ?? 0));
const info = { ...runInfo(), loadAverage1mBefore: loadBefore, loadAverage1m: loadavg()[0] ?? 0 };
const result = { ...info, builds: buildInfo, rounds, stepsPerTurn: Number(steps), turns, medianStepSeconds: seconds };
await mkdir('bench/results', { recursive: true });
await writeFile('bench/results/conv-training-compare.json', JSON.stringify(result, null, 2) + '\n');
const md = `# cifar10-cnv training step, two builds side by side (batch 100, wasm, 2 threads)\n\n`
  + `${info.date}, commit ${info.commit}, ${info.machine}, Node ${info.node}, 1-min load average ${loadBefore.toFixed(1)} before, ${info.loadAverage1m.toFixed(1)} after\n\n`
  + `${rounds} rounds of turns before, after (each a fresh process: ${steps} steps after a warm-up); medians of the turns' medians\n\n`
  + `| build | s per step (each turn) | median s per step | ms per image |\n|---|---|---|---|\n`
  + (['before', 'after'] as const).map((w) => `| ${w} (${buildInfo[w].commit}) | ${turns[w].map((t) => t.medianStepSeconds.toFixed(2)).join(', ')} | ${seconds[w].toFixed(2)} | ${(10 * seconds[w]).toFixed(1)} |`).join('\n')
  + `\n\nafter / before: ${(seconds.after / seconds.before).toFixed(2)}\n\n## Per kernel, each build's last turn (s per step)\n\n| kernel | before | after |\n|---|---|---|\n`
  + names.map((n) => `| ${n} | ${(kb.get(n) ?? 0).toFixed(3)} | ${(ka.get(n) ?? 0).toFixed(3)} |`).join('\n') + '\n';
await writeFile('bench/results/conv-training-compare.md', md);
process.stdout.write(md);
