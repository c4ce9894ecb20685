// Every benchmark, one after the other, each in its own process so that none disturbs the next:
// npm run bench. Each writes its bench/results/<name>.json and .md.
import { spawnSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const only = process.argv.slice(2);
let failed = 0;
for (const name of ['kernels', 'training', 'training-gradients', 'deploy', 'hidden-layer', 'relaxed-simd']) {
  if (only.length && !only.includes(name)) continue;
  process.stderr.write(`\n== bench ${name} ==\n`);
  const r = spawnSync(process.execPath, [join(here, `${name}.js`)], { stdio: 'inherit' });
  if (r.status !== 0) { failed++; process.stderr.write(`bench ${name} failed (exit ${r.status ?? r.signal})\n`); }
}
process.exitCode = failed ? 1 : 0;
