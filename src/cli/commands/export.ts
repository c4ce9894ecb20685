import { writeFile } from 'node:fs/promises';
import type { Command } from 'commander';
import { compile } from '../../deploy/compile.js';
import { saveModelFile } from '../../deploy/model-file-node.js';
import { exportOnnx } from '../../deploy/onnx/export-onnx.js';
import { UsageError } from '../usage-error.js';
import { LowbitError } from '../../errors/lowbit-error.js';
import { loadCheckpoint } from '../../train/checkpoint.js';
import { isLmCheckpoint } from '../../train/lm-model.js';
import { trainedModelOf } from '../../train/trained-model.js';
import { backendOption, selectBackend } from '../backend.js';
import { bytes } from '../format.js';
import { output } from '../output.js';
import { checkpointPath } from '../paths.js';

export function exportCommand(program: Command): void {
  program.command('export')
    .description('Compile a checkpoint to a packed .lbit model (±1 or k-bit linear weights and activations as bit-planes, integer thresholds) and/or a float32 ONNX file (binary nets only)')
    .argument('<checkpoint>', 'a best.ckpt or last.ckpt written by lowbit train, or its run folder (then its best.ckpt)')
    .option('-o, --out <file>', 'packed model file to write (.lbit)')
    .option('--onnx <file>', 'also write the network as float32 ONNX')
    .addOption(backendOption())
    .option('--json', 'print the result as JSON')
    .action(async (path: string, o: { out?: string; onnx?: string; backend?: string; json?: boolean }) => {
      const out = output(Boolean(o.json));
      if (!o.out && !o.onnx) throw new UsageError('export: say where to write: -o model.lbit and/or --onnx model.onnx');
      await selectBackend(o.backend);
      const file = await checkpointPath(path, 'best.ckpt'), checkpoint = await loadCheckpoint(file);
      if (isLmCheckpoint(checkpoint)) throw new LowbitError(`export: ${file} holds a language model; export compiles image classifiers. Use lowbit eval or lowbit sample on it`);
      const { model, scale } = trainedModelOf(checkpoint, file);
      const floatBytes = model.namedTensors().reduce((n, [, t]) => n + 4 * t.size, 0);
      const lines = [`float32 model ${bytes(floatBytes)}`];
      const result: Record<string, unknown> = { checkpoint: path, scale, floatBytes };
      if (o.out) {
        const packed = await saveModelFile(o.out, await compile(model, { scale }));
        lines.push(`packed ${o.out} ${bytes(packed)} (${(floatBytes / packed).toFixed(1)}x smaller)`);
        Object.assign(result, { packed: o.out, packedBytes: packed });
      }
      if (o.onnx) {
        const onnx = await exportOnnx(model, { scale });
        await writeFile(o.onnx, onnx);
        lines.push(`onnx ${o.onnx} ${bytes(onnx.length)} (float32; input x scaled ${scale})`);
        Object.assign(result, { onnx: o.onnx, onnxBytes: onnx.length });
      }
      out.result(lines.join('\n'), result);
    });
}
