import { existsSync } from 'node:fs';
import type { Command } from 'commander';
import { buildModel, modelNames } from '../../models/registry.js';
import type { Module } from '../../nn/module.js';
import { LowbitError } from '../../errors/lowbit-error.js';
import { loadCheckpoint } from '../../train/checkpoint.js';
import { summarize } from '../../train/summary.js';
import { isLmCheckpoint, languageModelOf } from '../../train/lm-model.js';
import { modelOf } from '../../train/trained-model.js';
import { bytes, count, table } from '../format.js';
import { positiveInt } from '../options.js';
import { output } from '../output.js';

export function summaryCommand(program: Command): void {
  program.command('summary')
    .description('Per-layer bits, parameters, packed vs float32 memory, binary vs float MACs')
    .argument('<model>', `a checkpoint file or a model name (${modelNames().join(', ')})`)
    .option('--width <n>', 'hidden units (model names only)', positiveInt)
    .option('--depth <n>', 'hidden layers (model names only)', positiveInt)
    .option('--float', 'the float32 twin (model names only)')
    .option('--json', 'print the summary as JSON')
    .action(async (spec: string, o: { width?: number; depth?: number; float?: boolean; json?: boolean }) => {
      const out = output(Boolean(o.json));
      let model: Module;
      if (modelNames().includes(spec)) model = buildModel(spec, { width: o.width, depth: o.depth, float: o.float });
      else if (existsSync(spec)) { // sizes checked against the file first
        const checkpoint = await loadCheckpoint(spec);
        model = isLmCheckpoint(checkpoint) ? languageModelOf(checkpoint, spec).model : modelOf(checkpoint, spec);
      }
      else throw new LowbitError(`summary: '${spec}' is neither a file nor a model name (${modelNames().join(', ')})`);
      const s = summarize(model);
      const bits = (b: number): string => (b >= 32 ? 'f32' : String(b));
      const rows = s.layers.map((l) => [l.layer, bits(l.inputBits), bits(l.weightBits), count(l.params), bytes(l.packedBytes), bytes(l.float32Bytes), count(l.binaryMacs), count(l.otherMacs)]);
      rows.push(['total', '', '', count(s.total.params), bytes(s.total.packedBytes), bytes(s.total.float32Bytes), count(s.total.binaryMacs), count(s.total.otherMacs)]);
      const text = table(['layer', 'in bits', 'w bits', 'params', 'packed', 'float32', 'binary MACs', 'float MACs'], rows)
        + `\n\n${count(s.total.binaryWeights)} binary weights; ${bytes(s.total.packedBytes)} packed vs ${bytes(s.total.float32Bytes)} float32 `
        + `(${(s.total.float32Bytes / s.total.packedBytes).toFixed(1)}x smaller). MACs per sample.`;
      out.result(text, s);
    });
}
