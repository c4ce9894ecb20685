import assert from 'node:assert/strict';
import { EventEmitter } from 'node:events';
import { test } from 'node:test';
import { trainingProgress } from './progress.js';

/** A terminal-like stream that records what is written. */
function recorder(isTTY: boolean) {
  const written: string[] = [];
  const stream = Object.assign(new EventEmitter(), { isTTY, columns: 120, write: (s: string) => { written.push(s); return true; }, cursorTo: () => true, clearLine: () => true, moveCursor: () => true }) as unknown as NodeJS.WriteStream;
  return { written, stream };
}

test('progress: the bar shows the whole run\'s time left, with units, and never hides the cursor', () => {
  const { written, stream } = recorder(true);
  const p = trainingProgress(stream);
  // epoch 1 of 3, step 10 of 100, 90 s left in this epoch: 90 + 2 × 100 s left in the run
  p.step({ epoch: 1, epochs: 3, step: 10, steps: 100, loss: 0.5, samplesPerSec: 1000, etaSeconds: 90 });
  p.close();
  const bar = written.join('');
  assert.match(bar, /4 min 50 s left/);
  assert.doesNotMatch(bar, /ETA/);
  // Ctrl-C kills a training process mid-step, before any handler runs: a hidden cursor stays hidden
  assert.ok(!bar.includes('\x1B[?25l'), 'the cursor is never hidden');
});

test('progress: plain lines off a terminal carry the time left too', () => {
  const { written, stream } = recorder(false);
  const p = trainingProgress(stream);
  p.step({ epoch: 2, epochs: 2, step: 5, steps: 10, loss: 1, samplesPerSec: 10, etaSeconds: 30 });
  assert.match(written.join(''), /epoch 2\/2 step 5\/10 loss 1\.0000 10 samples\/s, 30 s left/);
});
