import assert from 'node:assert/strict';
import { EventEmitter } from 'node:events';
import { test } from 'node:test';
import { trainingProgress, type Signals } from './progress.js';

/** A terminal-like stream that records what is written, and a process stand-in for SIGINT. */
function fakes() {
  const written: string[] = [];
  const stream = Object.assign(new EventEmitter(), { isTTY: true, columns: 120, write: (s: string) => { written.push(s); return true; }, cursorTo: () => true, clearLine: () => true, moveCursor: () => true }) as unknown as NodeJS.WriteStream;
  const kills: string[] = [];
  const signals = Object.assign(new EventEmitter(), { pid: 4242, kill: (_pid: number, signal: string) => { kills.push(signal); return true; } }) as unknown as Signals & EventEmitter;
  return { written, stream, kills, signals };
}

test('progress: the bar shows the whole run\'s time left, with units; Ctrl-C gives the cursor back', () => {
  const { written, stream, kills, signals } = fakes();
  const p = trainingProgress(stream, signals);
  // epoch 1 of 3, step 10 of 100, 90 s left in this epoch: about 90 + 2 × 100 s left in the run
  p.step({ epoch: 1, epochs: 3, step: 10, steps: 100, loss: 0.5, samplesPerSec: 1000, etaSeconds: 90 });
  const bar = written.join('');
  assert.match(bar, /4 min 50 s left/);
  assert.doesNotMatch(bar, /ETA/);
  assert.equal(signals.listenerCount('SIGINT'), 1);
  signals.emit('SIGINT');
  assert.ok(written.join('').includes('\x1B[?25h'), 'the cursor is shown again');
  assert.deepEqual(kills, ['SIGINT'], 'then the process dies of the signal');
});

test('progress: plain lines off a terminal carry the time left too; close() drops the SIGINT handler', () => {
  const { written, stream, signals } = fakes();
  (stream as { isTTY: boolean }).isTTY = false;
  const p = trainingProgress(stream, signals);
  p.step({ epoch: 2, epochs: 2, step: 5, steps: 10, loss: 1, samplesPerSec: 10, etaSeconds: 30 });
  assert.match(written.join(''), /epoch 2\/2 step 5\/10 loss 1\.0000 10 samples\/s, 30 s left/);
  p.close();
  assert.equal(signals.listenerCount('SIGINT'), 0);
});
