import { LowbitError } from '../errors/lowbit-error.js';

/** A .lbit model file that is truncated, corrupted or not one at all: the message names the file,
 *  the field and what was expected. */
export class ModelFileError extends LowbitError {
  override name = 'ModelFileError';
}
