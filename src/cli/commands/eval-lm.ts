import { resolve } from 'node:path';
import { loadPtb } from '../../data/ptb.js';
import { LowbitError } from '../../errors/lowbit-error.js';
import type { Checkpoint } from '../../train/checkpoint.js';
import { languageModelOf } from '../../train/lm-model.js';
import { perplexity } from '../../train/lm-trainer.js';
import type { Output } from '../output.js';

/** `lowbit eval` of a language model: the test perplexity of its weights on the test text of the
 *  corpus it trained on (or of `data`), with the run's window and evaluation batch. */
export async function evalLanguageModel(checkpoint: Checkpoint, path: string, data: string | undefined, out: Output): Promise<void> {
  const { model, recipe } = languageModelOf(checkpoint, path);
  const dir = data === undefined ? recipe.data : resolve(data);
  const ptb = await loadPtb({ dir });
  const vocabulary = checkpoint.meta.vocabulary as string[];
  if (ptb.vocabulary.words.length !== vocabulary.length || ptb.vocabulary.words.some((w, i) => w !== vocabulary[i])) {
    throw new LowbitError(`eval: the corpus in ${dir ?? 'the PTB copy'} has another vocabulary than the one ${path} trained on; give --data with the corpus it trained on`);
  }
  const testPerplexity = await perplexity(model, ptb.test, recipe.train.evalBatch ?? 10, recipe.train.steps);
  const epoch = checkpoint.meta.epoch;
  out.result(`test perplexity ${testPerplexity.toFixed(2)} (${ptb.test.length} test words${dir ? ` of ${dir}` : ' of PTB'}, epoch ${String(epoch)})`,
    { checkpoint: path, epoch, testPerplexity, words: ptb.test.length, ...(dir ? { data: dir } : {}) });
}
