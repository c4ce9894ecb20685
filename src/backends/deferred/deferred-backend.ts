import { hostArray } from '../host-storage.js';
import type { HostArray, HostKernels, KernelName, Kernels } from '../kernels.js';
import { kernelNames, opaque } from '../registry.js';
import { referenceKernels } from '../reference/index.js';

/** A backend that computes later, as a GPU does, for testing the layers above: the reference's
 *  kernels on typed arrays it owns, each call only *enqueued* on a promise chain and run in a
 *  later microtask. Code that looks at a storage's numbers between kernels sees stale values, and
 *  there is no `readSync`: numbers come back only through `await read`. An error thrown by a
 *  queued kernel rejects the next `read` or `flush` (once); the kernels after it still run.
 *  @example const k = makeDeferredBackend(); k.sign(x, out); await k.read(out) */
export function makeDeferredBackend(): Kernels {
  let queue: Promise<void> = Promise.resolve();
  let failure: { error: unknown } | undefined;

  const enqueue = (work: () => void): void => {
    queue = queue.then(work).catch((error: unknown) => { failure ??= { error }; });
  };
  /** Resolves with `result()` after everything enqueued before it; rejects with a queued failure. */
  const after = <T>(result: () => T): Promise<T> => {
    const done = queue.then(() => {
      const failed = failure;
      failure = undefined;
      if (failed) throw failed.error;
      return result();
    });
    queue = done.then(() => {}, () => {}); // the caller sees the rejection; the queue goes on
    return done;
  };

  const owned = new WeakSet<object>();
  const own = <A extends HostArray>(array: A): A => { owned.add(array); return array; };

  const kernels = {} as Record<KernelName, (...args: unknown[]) => unknown>;
  for (const name of kernelNames()) {
    const run = referenceKernels[name] as (...args: unknown[]) => unknown;
    // plain arrays (strides, shapes) are copied now: the caller may reuse them once the call returns
    kernels[name] = (...args) => {
      const now = args.map((a) => (Array.isArray(a) ? [...a] : a));
      if (!name.startsWith('prepare')) { enqueue(() => { run(...now); }); return undefined; }
      // a prepared layout is a handle at once, filled in when the queue reaches it
      const handle = {};
      enqueue(() => { Object.assign(handle, run(...now)); });
      return handle;
    };
  }

  const backend: HostKernels = {
    ...(kernels as unknown as Pick<HostKernels, KernelName>),
    name: 'deferred',
    native: new Set(kernelNames()),
    alloc: (kind, length) => own(hostArray(kind, length)),
    // an upload: the caller's array stays theirs
    fromArray: ((array: HostArray) => own(array.slice())) as HostKernels['fromArray'],
    write: (dst, values) => {
      const copy = values.slice();
      enqueue(() => { (dst as HostArray).set(copy as never); });
    },
    isStorage: (x) => typeof x === 'object' && x !== null && owned.has(x), // host arrays are values, not storage
    lengthOf: (buf) => buf.length,
    read: (buf) => after(() => buf.slice() as never),
    flush: () => after(() => undefined),
    free: () => {},
  };
  return opaque(backend);
}
