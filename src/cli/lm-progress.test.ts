import assert from 'node:assert/strict';
import { EventEmitter } from 'node:events';
import { test } from 'node:test';
import { lmProgress } from './lm-progress.js';

function recorder(isTTY: boolean) {
  const written: string[] = [];
  const stream = Object.assign(new EventEmitter(), { isTTY, columns: 140, write: (s: string) => { written.push(s); return true; }, cursorTo: () => true, clearLine: () => true, moveCursor: () => true }) as unknown as NodeJS.WriteStream;
  return { written, stream };
}

const step = { epoch: 1, epochs: 3, steps: 100, words: 7000, wordsPerSec: 700, perplexity: 412.34 };

test('language-model progress: words/s, running perplexity and the whole run\'s time left; an epoch line of perplexities', () => {
  const { written, stream } = recorder(true);
  const p = lmProgress(stream);
  // window 10 of 100, 90 s left in this epoch: 90 + 2 × 100 s in the run
  p.step({ ...step, step: 10, etaSeconds: 90 });
  p.close();
  assert.match(written.join(''), /train perplexity 412\.3 \| 700 words\/s \| 4 min 50 s left/);
  const plain = recorder(false), q = lmProgress(plain.stream);
  q.step({ ...step, step: 50, etaSeconds: 50 }); // 1 s a window: 50 + 2 × 100 s
  q.step({ ...step, step: 100, etaSeconds: 0 }); // the last window: the epochs after it still count
  q.step({ ...step, step: 1, etaSeconds: 99, perplexity: NaN });
  q.epoch({ epoch: 1, trainPerplexity: 300.123, validPerplexity: 250.5, lr: 0.002, words: 7000, seconds: 65, wordsPerSec: 107.7 });
  const lines = plain.written.join('');
  assert.match(lines, /epoch 1\/3 window 50\/100 train perplexity 412\.3 700 words\/s, 4 min 10 s left/);
  assert.match(lines, /epoch 1\/3 window 100\/100 train perplexity 412\.3 700 words\/s, 3 min 20 s left/);
  assert.match(lines, /epoch 1: train perplexity 300\.12 validation perplexity 250\.50 lr 2\.00e-3 1 min 5 s \(108 words\/s\)/);
});
