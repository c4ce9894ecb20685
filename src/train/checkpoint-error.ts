import { LowbitError } from '../errors/lowbit-error.js';

/** A checkpoint file that cannot be read: the message names the file and what is wrong. */
export class CheckpointError extends LowbitError {
  override name = 'CheckpointError';
}
