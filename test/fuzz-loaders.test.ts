import assert from 'node:assert/strict';
import { test } from 'node:test';
import { fuzz, type FuzzTarget } from '../bench/fuzz-harness.js';
import { loaderTargets } from '../bench/fuzz-targets.js';

// Every loader, fed mutated files (bit flips, byte and size changes, truncation, extension,
// splices, JSON metadata edits with sizes and checksums fixed so the parser is reached), must
// either load the file or refuse it with a project error (LowbitError or a subclass), never
// throw anything else, and never allocate more than a bound set by the file's size.
// `node dist/bench/fuzz-loaders.js --seconds N` runs the same fuzzers for longer.

const SEED = 20260514;
const INPUTS = 8000; // per loader: 0.3 to 2 s each on one core
const targets: FuzzTarget[] = await loaderTargets();

for (const target of targets) {
  test(`fuzz ${target.name}: ${INPUTS} mutated files give success or a project error (seed ${SEED})`, () => {
    const r = fuzz(target, { seed: SEED, count: INPUTS });
    assert.equal(r.inputs, INPUTS);
    const shown = r.defects.slice(0, 5).map((d) => `  input ${d.index} (seed ${d.seed}): ${d.ops.join(' | ')} → ${d.error}`).join('\n');
    assert.equal(r.defects.length, 0, `${r.defects.length} defects:\n${shown}`);
    // the mutants must reach both outcomes, or the fuzzer is not testing the parser
    assert.ok(r.ok > 0 && Object.values(r.refused).reduce((a, b) => a + b, 0) > 0, `ok ${r.ok}, refused ${JSON.stringify(r.refused)}`);
  });
}
