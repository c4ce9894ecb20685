import { access } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Command } from 'commander';
import { LowbitError } from '../../errors/lowbit-error.js';
import { serveDemo } from '../demo-server.js';
import { integer } from '../options.js';
import { output } from '../output.js';

const packageRoot = join(dirname(fileURLToPath(import.meta.url)), '../../../..');

export function demoCommand(program: Command): void {
  program.command('demo')
    .description('Serve the browser demo (draw a digit: packed BNN vs float32 ONNX twin; train in the page) and print its URL')
    .option('--port <n>', 'port (default: 8080; 0 picks a free one)', integer)
    .option('--host <address>', 'address to listen on', '127.0.0.1')
    .option('--no-isolation', 'leave out the cross-origin isolation headers (no SharedArrayBuffer: one thread)')
    .action(async (o: { port?: number; host: string; isolation: boolean }) => {
      const out = output(false);
      await access(join(packageRoot, 'dist', 'web', 'index.html')).catch(() => {
        throw new LowbitError(`demo: the page is not built (no dist/web/index.html); run npm run build:web in ${packageRoot}`);
      });
      const { url } = await serveDemo(packageRoot, { isolated: o.isolation, port: o.port ?? 8080, host: o.host }).catch((e: NodeJS.ErrnoException) => {
        throw new LowbitError(`demo: cannot listen on ${o.host}:${o.port ?? 8080} (${e.code ?? e.message}); pick another with --port`);
      });
      out.result(url, { url });
      out.log(`${o.isolation ? 'cross-origin isolated (threads on)' : 'not isolated (one thread)'}; Ctrl-C stops`);
    });
}
