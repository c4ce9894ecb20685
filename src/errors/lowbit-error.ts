/** Base class of every error lowbit throws on purpose: the message says what, where and how to fix. */
export class LowbitError extends Error {
  override name = 'LowbitError';
}
