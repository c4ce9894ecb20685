import type { PixelScale } from '../data/batches.js';
import { describeValue } from '../errors/describe-value.js';
import { LowbitError } from '../errors/lowbit-error.js';
import { fromConfig } from '../nn/from-config.js';
import type { LayerConfig, Module } from '../nn/module.js';
import { CheckpointError } from './checkpoint-error.js';
import { loadCheckpoint, type Checkpoint } from './checkpoint.js';

export interface TrainedModel {
  model: Module;
  /** How the run scaled its input pixels; inference must do the same. */
  scale: PixelScale;
  checkpoint: Checkpoint;
}

/** The model of a checkpoint written by training, rebuilt from its config with its weights (the
 *  best-validation ones in best.ckpt, the latest in last.ckpt), in eval mode.
 *  @example const { model, scale } = await loadTrainedModel('runs/mnist/best.ckpt') */
export async function loadTrainedModel(path: string): Promise<TrainedModel> {
  return trainedModelOf(await loadCheckpoint(path), path);
}

/** loadTrainedModel for a checkpoint already decoded from `file`. */
export function trainedModelOf(checkpoint: Checkpoint, file: string): TrainedModel {
  const scale = (checkpoint.meta.config as { scale?: unknown } | undefined)?.scale;
  if (scale !== 'symmetric' && scale !== 'unit') {
    throw new CheckpointError(`checkpoint ${file}: its metadata has no input scale ('symmetric' or 'unit' in config.scale, got ${describeValue(scale)}); pass a checkpoint written by \`lowbit train\``);
  }
  return { model: modelOf(checkpoint, file).eval(), scale, checkpoint };
}

/** The model a checkpoint holds, with its weights. Its config is checked against the checkpoint's
 *  own tensors before the model is built, so a config that claims more than the file holds is an
 *  error naming the file, never a giant allocation.
 *  @example const model = modelOf(await loadCheckpoint(path), path) */
export function modelOf(checkpoint: Checkpoint, file: string): Module {
  if (checkpoint.meta.model === undefined) throw new CheckpointError(`checkpoint ${file}: its metadata has no model config; pass a checkpoint written by \`lowbit train\``);
  const state = new Map([...checkpoint.tensors].filter(([k]) => k.startsWith('model.')).map(([k, v]) => [k.slice(6), v]));
  const floats = [...state.values()].reduce((n, t) => n + t.length, 0);
  try {
    const model = fromConfig(checkpoint.meta.model as LayerConfig, { maxFloats: floats });
    model.loadStateDict(state, 'weights');
    return model;
  } catch (e) {
    if (e instanceof LowbitError && !(e instanceof CheckpointError)) throw new CheckpointError(`checkpoint ${file}: ${e.message}`);
    throw e;
  }
}
