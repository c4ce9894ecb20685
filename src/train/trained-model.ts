import type { PixelScale } from '../data/batches.js';
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
  const checkpoint = await loadCheckpoint(path);
  const scale = (checkpoint.meta.config as { scale?: PixelScale } | undefined)?.scale;
  if (!checkpoint.meta.model || !scale) throw new CheckpointError(`checkpoint ${path}: no model config or input scale in its metadata`);
  const model = fromConfig(checkpoint.meta.model as LayerConfig);
  const state = new Map([...checkpoint.tensors].filter(([k]) => k.startsWith('model.')).map(([k, v]) => [k.slice(6), v]));
  model.loadStateDict(state, `checkpoint ${path}`);
  return { model: model.eval(), scale, checkpoint };
}
