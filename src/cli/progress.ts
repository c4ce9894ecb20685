import cliProgress from 'cli-progress';
import type { EpochMetrics, StepInfo } from '../train/trainer.js';
import { duration, percent } from './format.js';

/** Training progress on stderr: a live bar on a TTY, plain lines (about ten per epoch) otherwise. */
export function trainingProgress(stream: NodeJS.WriteStream = process.stderr) {
  const tty = Boolean(stream.isTTY);
  let bar: cliProgress.SingleBar | null = null;
  let lastLine = 0;
  return {
    step(s: StepInfo): void {
      const fields = { ep: `${s.epoch}/${s.epochs}`, loss: s.loss.toFixed(4), sps: Math.round(s.samplesPerSec), eta: duration(s.etaSeconds) };
      if (tty) {
        if (!bar) {
          bar = new cliProgress.SingleBar({ stream, format: 'epoch {ep} [{bar}] {value}/{total} | loss {loss} | {sps} samples/s | ETA {eta}', hideCursor: true, clearOnComplete: true }, cliProgress.Presets.shades_classic);
          bar.start(s.steps, 0, fields);
        }
        bar.update(s.step, fields);
      } else if (s.step === s.steps || s.step >= lastLine + Math.max(1, Math.floor(s.steps / 10))) {
        lastLine = s.step;
        stream.write(`epoch ${fields.ep} step ${s.step}/${s.steps} loss ${fields.loss} ${fields.sps} samples/s eta ${fields.eta}\n`);
      }
    },
    epoch(m: EpochMetrics): void {
      bar?.stop(); bar = null; lastLine = 0;
      stream.write(`epoch ${m.epoch}: train loss ${m.trainLoss.toFixed(4)} train err ${percent(m.trainError)} val err ${percent(m.valError)} `
        + `lr ${m.lr.toExponential(2)} ${m.seconds.toFixed(1)}s (${Math.round(m.samplesPerSec)} samples/s)\n`);
    },
  };
}
