import { readFileSync } from 'node:fs';
import { Command, CommanderError } from 'commander';
import { LowbitError } from '../errors/lowbit-error.js';
import { UsageError } from './usage-error.js';
import { benchCommand } from './commands/bench.js';
import { demoCommand } from './commands/demo.js';
import { evalCommand } from './commands/eval.js';
import { exportCommand } from './commands/export.js';
import { inferCommand } from './commands/infer.js';
import { reportCommand } from './commands/report.js';
import { sampleCommand } from './commands/sample.js';
import { summaryCommand } from './commands/summary.js';
import { trainCommand } from './commands/train.js';

/** The lowbit command line. Exit codes: 0 success, 1 failure, 2 bad usage. */
export async function main(argv: string[]): Promise<number> {
  const program = new Command('lowbit')
    .description('Train and run quantized neural networks (1 to a few bits) with XNOR-popcount kernels')
    .version(packageVersion(), '-V, --version', 'print the version of lowbit')
    .exitOverride()
    .configureOutput({ writeErr: (s) => process.stderr.write(s) });
  trainCommand(program);
  evalCommand(program);
  summaryCommand(program);
  exportCommand(program); inferCommand(program); benchCommand(program);
  reportCommand(program);
  demoCommand(program);
  sampleCommand(program);
  for (const c of program.commands) c.exitOverride();
  try {
    await program.parseAsync(argv, { from: 'user' });
    return 0;
  } catch (e) {
    if (e instanceof CommanderError) return e.exitCode === 0 ? 0 : 2;
    if (e instanceof LowbitError) { process.stderr.write(`lowbit: ${e.message}\n`); return e instanceof UsageError ? 2 : 1; }
    throw e;
  }
}

/** The version in the package's package.json (this file runs from dist/src/cli/). */
function packageVersion(): string {
  return (JSON.parse(readFileSync(new URL('../../../package.json', import.meta.url), 'utf8')) as { version: string }).version;
}
