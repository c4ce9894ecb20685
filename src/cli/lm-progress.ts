import cliProgress from 'cli-progress';
import type { LmEpoch, LmStepInfo } from '../train/lm-trainer.js';
import { duration } from './format.js';

/** Language-model training progress on stderr: a live bar on a TTY (window, words/s, running
 *  training perplexity, time left for the whole run), plain lines (about ten per epoch) otherwise,
 *  and a line per epoch with the training and validation perplexity. */
export function lmProgress(stream: NodeJS.WriteStream = process.stderr) {
  const tty = Boolean(stream.isTTY);
  let bar: cliProgress.SingleBar | null = null, lastLine = 0, epochWallSeconds: number | undefined, epochStart: number | undefined, secondsPerStep = 0;
  const stopBar = (): void => { bar?.stop(); bar = null; };
  return {
    step(s: LmStepInfo): void {
      epochStart ??= performance.now();
      // the rest of this epoch, then the epochs after it at the last one's wall time (validation and checkpoints included)
      if (s.step < s.steps) secondsPerStep = s.etaSeconds / (s.steps - s.step);
      const left = s.etaSeconds + (s.epochs - s.epoch) * (epochWallSeconds ?? secondsPerStep * s.steps);
      const fields = { ep: `${s.epoch}/${s.epochs}`, ppl: Number.isNaN(s.perplexity) ? '?' : s.perplexity.toFixed(1), wps: Math.round(s.wordsPerSec), left: duration(left) };
      if (tty) {
        if (!bar) {
          bar = new cliProgress.SingleBar({ stream, format: 'epoch {ep} [{bar}] {value}/{total} | train perplexity {ppl} | {wps} words/s | {left} left', hideCursor: false, clearOnComplete: true }, cliProgress.Presets.shades_classic);
          bar.start(s.steps, 0, fields);
        }
        bar.update(s.step, fields);
      } else if (s.step === s.steps || s.step >= lastLine + Math.max(1, Math.floor(s.steps / 10))) {
        lastLine = s.step;
        stream.write(`epoch ${fields.ep} window ${s.step}/${s.steps} train perplexity ${fields.ppl} ${fields.wps} words/s, ${fields.left} left\n`);
      }
    },
    epoch(m: LmEpoch): void {
      stopBar(); lastLine = 0;
      const now = performance.now();
      if (epochStart !== undefined) epochWallSeconds = (now - epochStart) / 1000;
      epochStart = now;
      stream.write(`epoch ${m.epoch}: train perplexity ${m.trainPerplexity.toFixed(2)} validation perplexity ${m.validPerplexity.toFixed(2)} `
        + `lr ${m.lr.toExponential(2)} ${duration(m.seconds)} (${Math.round(m.wordsPerSec)} words/s)\n`);
    },
    close(): void { stopBar(); },
  };
}
