import { readFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { extname, join, normalize, sep } from 'node:path';

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8', '.js': 'text/javascript', '.mjs': 'text/javascript', '.wasm': 'application/wasm',
  '.json': 'application/json', '.css': 'text/css', '.svg': 'image/svg+xml', '.png': 'image/png',
};
/** The folders of the package the page reads: its own files (dist/web), lowbit's (dist/src) and the kernels (build/). */
const SERVED = ['dist', 'build'];

export interface DemoServer { server: Server; url: string; close(): Promise<void> }

/** Serve the demo page (dist/web/) and what it loads from the package at `root`. `isolated` adds
 *  the two headers that make the page cross-origin isolated (SharedArrayBuffer, so threads);
 *  without them the page runs, on one thread. */
export async function serveDemo(root: string, opts: { isolated: boolean; port?: number; host?: string }): Promise<DemoServer> {
  const folders = SERVED.map((f) => join(root, f) + sep);
  const server = createServer((req, res) => {
    const headers: Record<string, string> = opts.isolated
      ? { 'Cross-Origin-Opener-Policy': 'same-origin', 'Cross-Origin-Embedder-Policy': 'require-corp' } : {};
    let path: string;
    try {
      path = decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname);
    } catch {
      res.writeHead(400).end();
      return;
    }
    if (path === '/') { res.writeHead(302, { Location: '/dist/web/' }).end(); return; }
    const file = normalize(join(root, path.endsWith('/') ? `${path}index.html` : path));
    if (!folders.some((f) => file.startsWith(f))) { res.writeHead(404).end(); return; }
    readFile(file).then(
      (body) => res.writeHead(200, { ...headers, 'Content-Type': TYPES[extname(file)] ?? 'application/octet-stream', 'Cache-Control': 'no-cache' }).end(body),
      () => res.writeHead(404).end());
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port ?? 0, opts.host ?? '127.0.0.1', resolve);
  });
  const { address, port } = server.address() as AddressInfo;
  const host = address.includes(':') ? `[${address}]` : address;
  return { server, url: `http://${host}:${port}/dist/web/`, close: () => new Promise((r) => server.close(() => r())) };
}
