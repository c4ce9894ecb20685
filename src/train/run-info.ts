import { execFileSync } from 'node:child_process';
import os from 'node:os';

/** Where and when a run happened, for result files. */
export function runInfo(): { commit: string; date: string; machine: string; node: string } {
  let commit = 'unknown';
  try {
    commit = execFileSync('git', ['rev-parse', '--short=12', 'HEAD'], { stdio: ['ignore', 'pipe', 'ignore'] }).toString().trim();
    // result files do not make the code dirty: `npm run bench` rewrites them one benchmark after another
    const dirty = execFileSync('git', ['status', '--porcelain', '--untracked-files=no', '--', '.',
      ':(exclude)bench/results', ':(exclude)experiments/results'], { stdio: ['ignore', 'pipe', 'ignore'] }).toString().trim();
    if (dirty) commit += '+dirty';
  } catch { /* not a git checkout */ }
  const cpu = os.cpus()[0]?.model.trim() ?? 'unknown cpu';
  return {
    commit, date: new Date().toISOString(), node: process.version,
    machine: `${cpu}, ${os.availableParallelism()} cores, ${Math.round(os.totalmem() / 2 ** 30)} GiB, ${os.platform()} ${os.arch()}`,
  };
}
