import { rm, stat } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { LowbitError } from '../errors/lowbit-error.js';
import { UsageError } from './usage-error.js';

/** A file-system error in words, naming the path: "no such file: X", not "ENOENT". */
export function fsProblem(e: unknown, path: string): string {
  const code = (e as NodeJS.ErrnoException).code;
  if (code === 'ENOENT') return `no such file or folder: ${path}`;
  if (code === 'EACCES' || code === 'EPERM') return `permission denied: ${path}`;
  if (code === 'EISDIR') return `${path} is a folder, not a file`;
  if (code === 'ENOTDIR') return `${path}: a part of this path is a file, not a folder`;
  return `cannot read ${path} (${(e as Error).message})`;
}

async function kind(path: string): Promise<'file' | 'dir'> {
  try { return (await stat(path)).isDirectory() ? 'dir' : 'file'; } catch (e) { throw new LowbitError(fsProblem(e, path)); }
}

/** The checkpoint a command reads: the file given, or `<dir>/<inRun>` for a run folder. */
export async function checkpointPath(path: string, inRun: 'best.ckpt' | 'last.ckpt'): Promise<string> {
  if (await kind(path) === 'file') return path;
  const file = join(path, inRun);
  await kind(file).catch(() => { throw new LowbitError(`${path} is a folder without ${inRun}; give a checkpoint file or a run folder written by lowbit train`); });
  return file;
}

/** `--resume` takes a run folder or a checkpoint in it: the folder (where the run goes on
 *  writing) and the checkpoint to continue from. */
export async function resumePaths(path: string): Promise<{ dir: string; checkpoint: string }> {
  const checkpoint = await checkpointPath(path, 'last.ckpt');
  return { dir: checkpoint === path ? dirname(path) : path, checkpoint };
}

/** `-o` must name a folder (new or existing), never a file, and not one that holds a run already
 *  unless `overwrite`: a new run would silently replace its checkpoints. */
export async function checkOutDir(path: string, overwrite = false): Promise<void> {
  let isFile = false;
  try { isFile = !(await stat(path)).isDirectory(); } catch { return; } // absent: training creates it
  if (isFile) throw new UsageError(`-o ${path} is a file; give a folder for the run's checkpoints, metrics.jsonl and result.json`);
  for (const file of RUN_FILES) {
    if (!await stat(join(path, file)).then(() => true, () => false)) continue;
    if (!overwrite) throw new UsageError(`-o ${path} holds a run already (${file}); continue it with --resume ${path}, choose another folder, or add --overwrite to replace it`);
    await rm(join(path, file)); // replaced, not appended to (metrics.jsonl and steps.jsonl grow by appending)
  }
}

/** What a run writes into its folder. */
const RUN_FILES = ['last.ckpt', 'best.ckpt', 'metrics.jsonl', 'steps.jsonl', 'epochs.jsonl', 'result.json', 'report.html'];
