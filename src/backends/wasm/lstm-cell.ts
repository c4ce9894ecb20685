import type { HostKernels as Kernels } from '../kernels.js';
import type { WasmRuntime } from './wasm-runtime.js';

// The LSTM cell kernels (assembly/lstm-cell.ts) on the calling thread: a language model runs six
// of them per time step at [20, 4·300], where the reference's float64 σ/tanh loops were a few
// percent of a training step. Within a few ulp of the reference (its conformance bound is 1e-6).

type Cell = 'lstmGates' | 'lstmGatesBackward' | 'lstmCellState' | 'lstmCellStateBackward' | 'lstmHidden' | 'lstmHiddenBackward';
/** Per kernel: which arguments are outputs, and which are gate blocks (4·hidden wide) rather than states. */
const SHAPES: Record<Cell, { outputs: number; gates: boolean[] }> = {
  lstmGates: { outputs: 1, gates: [true, true] },
  lstmGatesBackward: { outputs: 1, gates: [true, true, true] },
  lstmCellState: { outputs: 1, gates: [true, false, false] },
  lstmCellStateBackward: { outputs: 2, gates: [false, true, false, true, false] },
  lstmHidden: { outputs: 1, gates: [true, false, false] },
  lstmHiddenBackward: { outputs: 2, gates: [false, true, false, true, false] },
};

/** The six kernels: inputs copied in (resident arrays used in place), outputs copied out. */
export function makeLstmCellKernels(rt: WasmRuntime): Pick<Kernels, Cell> {
  const make = (name: Cell) => (...args: unknown[]): void => {
    const arrays = args.slice(0, -2) as Float32Array[], [batch, hidden] = args.slice(-2) as [number, number];
    if (batch === 0 || hidden === 0) return;
    const { outputs, gates } = SHAPES[name], { arena } = rt, inputs = arrays.length - outputs;
    const lengths = gates.map((g) => batch * hidden * (g ? 4 : 1));
    arena.reset();
    const ptrs = arrays.map((x, i) => (i < inputs ? arena.input(x, lengths[i]) : arena.output(x, lengths[i])));
    rt.exports[name]!(...ptrs, batch, hidden);
    for (let i = inputs; i < arrays.length; i++) arena.copyOut(ptrs[i]!, arrays[i]!, lengths[i]);
  };
  return Object.fromEntries((Object.keys(SHAPES) as Cell[]).map((n) => [n, make(n)])) as unknown as Pick<Kernels, Cell>;
}
