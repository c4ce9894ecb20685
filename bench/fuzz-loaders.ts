// The loader fuzzers of test/fuzz-loaders.test.ts, run for longer: every loader (.lbit,
// checkpoints with the model and resume state they carry, IDX) on mutated files for N seconds
// each. Prints inputs, time and outcomes per loader, and every non-project error (any exception
// other than a LowbitError, or an allocation beyond the file-size bound) with what to replay it.
// Writes bench/results/fuzz-loaders.md. Exit code 1 if anything other than a project error came up.
// Run: npm run build && node dist/bench/fuzz-loaders.js --seconds 60 [--seed 1]
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { runInfo } from '../src/train/run-info.js';
import { allocationBound, fuzz, type FuzzReport } from './fuzz-harness.js';
import { loaderTargets } from './fuzz-targets.js';

const root = fileURLToPath(new URL('../../', import.meta.url)); // runs as dist/bench/fuzz-loaders.js
const { values } = parseArgs({ options: { seconds: { type: 'string', default: '20' }, seed: { type: 'string', default: '1' } } });
const seconds = Number(values.seconds), seed = Number(values.seed);
if (!(seconds > 0) || !Number.isInteger(seed)) {
  console.error('usage: node dist/bench/fuzz-loaders.js [--seconds N per loader] [--seed S]');
  process.exit(2);
}

const info = runInfo();
const reports: FuzzReport[] = [];
for (const target of await loaderTargets()) {
  const r = fuzz(target, { seed, seconds });
  reports.push(r);
  const refused = Object.values(r.refused).reduce((a, b) => a + b, 0);
  console.log(`${r.target}: ${r.inputs} inputs in ${r.seconds.toFixed(1)} s, ${r.ok} loaded, ${refused} refused, ${r.defects.length} non-project errors`);
  for (const d of r.defects.slice(0, 20)) console.log(`  seed ${d.seed} input ${d.index}: ${d.ops.join(' | ')} → ${d.error}`);
}

const total = reports.reduce((a, r) => a + r.inputs, 0), defects = reports.reduce((a, r) => a + r.defects.length, 0);
const rows = reports.map((r) => `| ${r.target} | ${r.inputs} | ${r.seconds.toFixed(1)} | ${r.ok} | ${Object.entries(r.refused).map(([k, v]) => `${k} ${v}`).join(', ')} | ${r.defects.length} | ${r.slowestMs.toFixed(1)} |`);
const md = `# Loader fuzzing: mutated files through every loader

${info.machine}; node ${info.node}; commit ${info.commit}; ${info.date}

\`node dist/bench/fuzz-loaders.js --seconds ${seconds} --seed ${seed}\`: ${total} mutated files in total, ${defects} non-project errors.

| loader | inputs | seconds | loaded | refused (project errors) | non-project errors | slowest input ms |
|---|---:|---:|---:|---|---:|---:|
${rows.join('\n')}

Each input is a seed file made by lowbit (packed models of 1-bit and 2-bit layers; best.ckpt and
last.ckpt of two tiny runs, Adam and shift-AdaMax, and one in the version 1 layout; IDX files of
1 to 4 dims) with 1 to 4 stacked mutations: bit flips, byte and u32 header changes, truncation,
extension, deletion, duplication, splices from other seeds, and JSON metadata edits (values
replaced by neighbours, extremes, wrong types, injected quantizer objects, nesting up to 20,000
deep; keys deleted, renamed, copied) written back with sizes and checksum fixed, so the
parser is reached; 60 % of byte-mutated files also get their checksum fixed. Checkpoints are
decoded, their model rebuilt with its weights (trainedModelOf, as eval and export do) and their
resume state checked (checkResumeState, Random.fromState). A non-project error is any exception
other than a LowbitError subclass, or any typed-array allocation beyond ${allocationBound(0)} + 32 × the
file's bytes. ${defects === 0 ? '' : 'Non-project errors found:\n\n' + reports.flatMap((r) => r.defects.slice(0, 10).map((d) => `- ${r.target}, seed ${d.seed} input ${d.index}: ${d.ops.join(' | ')} → ${d.error}`)).join('\n')}
`;
writeFileSync(join(root, 'bench/results/fuzz-loaders.md'), md);
console.log(`${total} inputs, ${defects} non-project errors; wrote bench/results/fuzz-loaders.md`);
process.exit(defects === 0 ? 0 : 1);
