import cliProgress from 'cli-progress';
import type { EpochMetrics, StepInfo } from '../train/trainer.js';
import { duration, percent } from './format.js';

/** Training progress on stderr: a live bar on a TTY, plain lines (about ten per epoch) otherwise;
 *  both show the time left for the whole run. The bar leaves the cursor visible: a hidden one
 *  would stay hidden after Ctrl-C, which kills the process mid-step, before any handler could
 *  run (the step loop does not yield to the event loop). */
export function trainingProgress(stream: NodeJS.WriteStream = process.stderr) {
  const tty = Boolean(stream.isTTY);
  let bar: cliProgress.SingleBar | null = null;
  let lastLine = 0;
  let epochStart: number | undefined;
  let secondsPerStep = 0;
  let epochWallSeconds: number | undefined; // the last whole epoch, validation and checkpoints included
  const stopBar = (): void => { bar?.stop(); bar = null; };
  return {
    step(s: StepInfo): void {
      epochStart ??= performance.now(); // the first step: the data is loaded, training runs
      // this epoch's remaining steps, then the epochs after it at the last epoch's full wall time
      // (validation and checkpoints included); in the first epoch, at this epoch's step rate
      if (s.step < s.steps) secondsPerStep = s.etaSeconds / (s.steps - s.step);
      const perEpoch = epochWallSeconds ?? secondsPerStep * s.steps;
      const left = s.etaSeconds + (s.epochs - s.epoch) * perEpoch;
      // 'left', not 'eta': cli-progress fills {eta} itself, per bar, in bare seconds
      const fields = { ep: `${s.epoch}/${s.epochs}`, loss: s.loss.toFixed(4), sps: Math.round(s.samplesPerSec), left: duration(left) };
      if (tty) {
        if (!bar) {
          bar = new cliProgress.SingleBar({ stream, format: 'epoch {ep} [{bar}] {value}/{total} | loss {loss} | {sps} samples/s | {left} left', hideCursor: false, clearOnComplete: true }, cliProgress.Presets.shades_classic);
          bar.start(s.steps, 0, fields);
        }
        bar.update(s.step, fields);
      } else if (s.step === s.steps || s.step >= lastLine + Math.max(1, Math.floor(s.steps / 10))) {
        lastLine = s.step;
        stream.write(`epoch ${fields.ep} step ${s.step}/${s.steps} loss ${fields.loss} ${fields.sps} samples/s, ${fields.left} left\n`);
      }
    },
    epoch(m: EpochMetrics): void {
      stopBar(); lastLine = 0;
      const now = performance.now();
      if (epochStart !== undefined) epochWallSeconds = (now - epochStart) / 1000;
      epochStart = now;
      stream.write(`epoch ${m.epoch}: train loss ${m.trainLoss.toFixed(4)} train err ${percent(m.trainError)} val err ${percent(m.valError)} `
        + `lr ${m.lr.toExponential(2)} ${duration(m.seconds)} (${Math.round(m.samplesPerSec)} samples/s)\n`);
    },
    /** Stop the bar when training ends or fails. */
    close(): void { stopBar(); },
  };
}
