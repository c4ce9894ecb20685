import type { Command } from 'commander';
import { loadLanguageModel } from '../../train/lm-model.js';
import { asText, MAX_SAMPLE_WORDS, sampleText } from '../../train/lm-sample.js';
import { backendOption, selectBackend } from '../backend.js';
import { integer, positiveInt, positiveNumber } from '../options.js';
import { output } from '../output.js';
import { checkpointPath } from '../paths.js';
import { UsageError } from '../usage-error.js';

export function sampleCommand(program: Command): void {
  program.command('sample')
    .description('Generate text from a trained language model (lowbit train ptb-lstm / ptb-gru)')
    .option('--run <dir>', 'the run folder (its best.ckpt) or a checkpoint file')
    .option('--words <n>', `words to generate (at most ${MAX_SAMPLE_WORDS})`, positiveInt, 50)
    .option('--temperature <t>', 'softmax temperature: below 1 safer, above 1 wilder', positiveNumber, 1)
    .option('--seed <n>', 'random seed of the sampling', integer, 1)
    .option('--prime <text>', 'words the model reads first (a word it does not know is read as <unk>)')
    .addOption(backendOption())
    .option('--json', 'print the prime, the words and the unknown prime words as JSON')
    .action(async (o: { run?: string; words: number; temperature: number; seed: number; prime?: string; backend?: string; json?: boolean }) => {
      const out = output(Boolean(o.json));
      if (o.run === undefined) throw new UsageError('sample: give the run to sample from with --run <dir> (a folder written by lowbit train ptb-lstm or ptb-gru)');
      if (o.words > MAX_SAMPLE_WORDS) throw new UsageError(`sample: --words ${o.words} is more than ${MAX_SAMPLE_WORDS}`);
      await selectBackend(o.backend);
      const path = await checkpointPath(o.run, 'best.ckpt');
      const { model, vocabulary } = await loadLanguageModel(path);
      const sample = await sampleText(model, vocabulary, { words: o.words, temperature: o.temperature, seed: o.seed, prime: o.prime });
      if (sample.unknown.length) out.log(`lowbit: ${sample.unknown.map((w) => `'${w}'`).join(', ')} not in the vocabulary: read as <unk>`);
      const text = asText([...sample.prime, ...sample.words]);
      out.result(text, { checkpoint: path, temperature: o.temperature, seed: o.seed, prime: sample.prime, words: sample.words, unknown: sample.unknown, text });
    });
}
