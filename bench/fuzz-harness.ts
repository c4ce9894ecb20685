// Runs a loader on mutated files and sorts every outcome: success, a project error (LowbitError
// and its subclasses: the loader refused the file and said why), or a defect: any other
// exception, or an allocation larger than the bound (a size trusted before it was checked).
import { LowbitError } from '../src/errors/lowbit-error.js';
import { Random } from '../src/tensor/random.js';
import { mutate, type FileFormat } from './fuzz-mutator.js';

/** A loader under test: its format, its seed files, and what loading means. */
export interface FuzzTarget {
  name: string;
  format: FileFormat;
  seeds: Uint8Array[];
  load(bytes: Uint8Array): void;
}

export interface Defect { seed: number; index: number; ops: string[]; error: string }

export interface FuzzReport {
  target: string; inputs: number; seconds: number; ok: number;
  /** Project errors by class name. */
  refused: Record<string, number>;
  defects: Defect[];
  slowestMs: number;
}

/** Every allocation while a loader runs may be at most this many bytes: a few times the file
 *  (the loaders copy payloads once and build models whose size the file holds) plus a floor. */
export const allocationBound = (fileBytes: number): number => (1 << 20) + 32 * fileBytes;

class AllocationTooLarge extends Error { override name = 'AllocationTooLarge'; }

let limitBytes = Infinity;
let violation: string | null = null;

const ARRAYS = ['Uint8Array', 'Int8Array', 'Uint16Array', 'Int16Array', 'Uint32Array', 'Int32Array', 'Float32Array', 'Float64Array', 'BigInt64Array', 'BigUint64Array', 'Uint8ClampedArray'] as const;

/** Wrap the global typed-array and ArrayBuffer constructors so that every allocation the loaders
 *  make (`new Float32Array(n)`, `Uint32Array.from(x)`) is checked against the current bound. A
 *  Proxy keeps `instanceof` and the statics working. Idempotent. */
function installGuard(): void {
  const g = globalThis as unknown as Record<string, unknown> & { __lowbitFuzzGuard?: boolean };
  if (g.__lowbitFuzzGuard) return;
  g.__lowbitFuzzGuard = true;
  const check = (bytes: number, what: string): void => {
    if (bytes > limitBytes) {
      violation ??= `${what} of ${bytes} bytes (bound ${limitBytes})`;
      throw new AllocationTooLarge(violation);
    }
  };
  for (const name of ARRAYS) {
    const Ctor = g[name] as { BYTES_PER_ELEMENT: number } & (new (...a: unknown[]) => unknown);
    g[name] = new Proxy(Ctor, {
      construct(target, args, newTarget) {
        const a = args[0];
        if (typeof a === 'number') check(a * target.BYTES_PER_ELEMENT, `new ${name}(${a})`);
        else if (typeof a === 'object' && a !== null && !(a instanceof ArrayBuffer) && !(typeof SharedArrayBuffer !== 'undefined' && a instanceof SharedArrayBuffer)) {
          const length = (a as { length?: unknown }).length;
          if (typeof length === 'number') check(length * target.BYTES_PER_ELEMENT, `new ${name}(length ${length})`);
        }
        return Reflect.construct(target, args, newTarget === g[name] ? target : newTarget);
      },
    });
  }
  const AB = g.ArrayBuffer as new (...a: unknown[]) => unknown;
  g.ArrayBuffer = new Proxy(AB, {
    construct(target, args, newTarget) {
      if (typeof args[0] === 'number') check(args[0], `new ArrayBuffer(${args[0]})`);
      return Reflect.construct(target, args, newTarget === g.ArrayBuffer ? target : newTarget);
    },
  });
}

/** Mutate the target's seeds and load each mutant, `count` times or for `seconds`, whichever
 *  comes first. The same seed gives the same inputs. */
export function fuzz(target: FuzzTarget, opts: { seed: number; count?: number; seconds?: number }): FuzzReport {
  installGuard();
  const rng = new Random(opts.seed), start = performance.now();
  const report: FuzzReport = { target: target.name, inputs: 0, seconds: 0, ok: 0, refused: {}, defects: [], slowestMs: 0 };
  const until = start + (opts.seconds ?? Infinity) * 1000, count = opts.count ?? Infinity;
  for (let i = 0; i < count && performance.now() < until; i++) {
    const seedFile = target.seeds[rng.int(target.seeds.length)]!;
    const { bytes, ops } = rng.uniform() < 0.02 ? { bytes: seedFile.slice(), ops: ['none'] } : mutate(rng, seedFile, target.seeds, target.format);
    violation = null;
    limitBytes = allocationBound(bytes.length);
    const t0 = performance.now();
    try {
      target.load(bytes);
      if (violation === null) report.ok++;
    } catch (e) {
      if (violation === null && e instanceof LowbitError) report.refused[e.name] = (report.refused[e.name] ?? 0) + 1;
      else if (violation === null) report.defects.push({ seed: opts.seed, index: i, ops, error: `${(e as Error)?.name}: ${(e as Error)?.message?.slice(0, 300)}` });
    } finally { limitBytes = Infinity; }
    if (violation !== null) report.defects.push({ seed: opts.seed, index: i, ops, error: `allocation beyond the bound: ${violation}` });
    report.slowestMs = Math.max(report.slowestMs, performance.now() - t0);
    report.inputs++;
  }
  report.seconds = (performance.now() - start) / 1000;
  return report;
}
