import type { Command } from 'commander';
import { writeReport } from '../../train/report/write-report.js';
import { output } from '../output.js';
import { UsageError } from '../usage-error.js';

export function reportCommand(program: Command): void {
  program.command('report')
    .description('Write one self-contained HTML report of training runs: loss, error (perplexity for language models), learning rate and speed charts, model summary, test error (perplexity), command and commit, bench results')
    .argument('<runs...>', 'run folders written by lowbit train, all image runs or all language-model runs (several: one chart per metric, a line per run)')
    .option('-o, --out <file>', 'HTML file to write (default for one run: report.html in its folder)')
    .option('--json', 'print the result as JSON')
    .action(async (runs: string[], o: { out?: string; json?: boolean }) => {
      const out = output(Boolean(o.json));
      if (runs.length > 1 && !o.out) throw new UsageError(`report: ${runs.length} runs go into one file: say where with -o FILE.html`);
      const file = await writeReport(runs, o.out);
      out.result(`report ${file}`, { report: file, runs });
    });
}
