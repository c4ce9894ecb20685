import { LowbitError } from '../errors/lowbit-error.js';

/** A data file or set is missing, malformed or misused: the message names the file and the fix. */
export class DataError extends LowbitError {
  override name = 'DataError';
}
