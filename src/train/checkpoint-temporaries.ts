import { readdir, stat, unlink } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';

/** The temporary of an atomic checkpoint write, `<target>.<pid>.tmp`: the writer's process id in
 *  the name tells a write in progress from one a killed process left behind. */
export const temporaryPath = (path: string): string => `${path}.${process.pid}.tmp`;

export interface StaleTemporary { file: string; bytes: number }

/** Temporaries of `path` whose writer is gone (or is this process, which writes one at a time):
 *  nothing will ever rename them, and each may be as large as the checkpoint. */
export async function staleTemporaries(path: string): Promise<StaleTemporary[]> {
  const dir = dirname(path), prefix = `${basename(path)}.`;
  let names: string[];
  try { names = await readdir(dir); } catch { return []; } // no folder: no temporaries
  const out: StaleTemporary[] = [];
  for (const name of names) {
    const m = name.startsWith(prefix) ? /^(\d+)\.tmp$/.exec(name.slice(prefix.length)) : null;
    if (!m || isRunning(Number(m[1]))) continue;
    const file = join(dir, name);
    const s = await stat(file).catch(() => null);
    if (s?.isFile()) out.push({ file, bytes: s.size });
  }
  return out;
}

/** Remove the stale temporaries of `path`; returns what was removed. */
export async function removeStaleTemporaries(path: string): Promise<StaleTemporary[]> {
  const stale = await staleTemporaries(path);
  for (const s of stale) await unlink(s.file).catch(() => undefined); // removed meanwhile: as good
  return stale;
}

function isRunning(pid: number): boolean {
  if (pid === process.pid || !Number.isSafeInteger(pid) || pid < 1) return false;
  try { process.kill(pid, 0); return true; } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM'; // exists, owned by someone else
  }
}
