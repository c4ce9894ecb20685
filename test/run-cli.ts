import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

/** The built CLI as a user runs it (`node bin/lowbit.js …`), in `cwd`, with extra env. */
export const bin = fileURLToPath(new URL('../../bin/lowbit.js', import.meta.url));
export const repoRoot = fileURLToPath(new URL('../../', import.meta.url));

export function lowbitIn(cwd: string, env: Record<string, string> = {}) {
  return (...args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> => new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [bin, ...args], { cwd, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '', stderr = '';
    child.stdout.setEncoding('utf8').on('data', (s: string) => { stdout += s; });
    child.stderr.setEncoding('utf8').on('data', (s: string) => { stderr += s; });
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

/** No stack trace in a user-facing message. */
export const STACK = /\n\s+at .*:\d+:\d+/;
