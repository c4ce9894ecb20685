import { LowbitError } from '../errors/lowbit-error.js';

/** The command line asks for something that cannot be done as asked: exit code 2, like a parse error. */
export class UsageError extends LowbitError {
  override name = 'UsageError';
}
