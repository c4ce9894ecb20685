import { LowbitError } from '../../errors/lowbit-error.js';

/** A run folder cannot be reported on: missing or malformed files, named with the fix. */
export class ReportError extends LowbitError {
  override name = 'ReportError';
}
