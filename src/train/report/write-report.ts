import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { readRun } from './read-run.js';
import { renderReport } from './report-html.js';
import { ReportError } from './report-error.js';

/** Write the HTML report of the runs in `dirs` to `out` (default: report.html inside the run
 *  folder for one run) and return its path.
 *  @example await writeReport(['runs/mnist-mlp-a', 'runs/mnist-mlp-b'], 'bitwidths.html') */
export async function writeReport(dirs: string[], out?: string): Promise<string> {
  if (!dirs.length) throw new ReportError('report: give at least one run folder');
  const file = out ?? (dirs.length === 1 ? join(dirs[0]!, 'report.html') : undefined);
  if (!file) throw new ReportError(`report: ${dirs.length} runs go into one file: say where with -o FILE.html`);
  const runs = [];
  for (const dir of dirs) runs.push(await readRun(dir));
  await writeFile(file, renderReport(runs));
  return file;
}

/** The report of a run that just ended, in its folder; `command` is the command line that made
 *  it (result.json does not hold it). Returns the path. */
export async function writeRunReport(dir: string, record: { command?: string } = {}): Promise<string> {
  const run = await readRun(dir);
  if (record.command) run.result = { ...run.result, command: record.command };
  const file = join(dir, 'report.html');
  await writeFile(file, renderReport([run]));
  return file;
}
