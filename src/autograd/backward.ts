import { LowbitError } from '../errors/lowbit-error.js';
import { broadcastStrides } from '../ops/shapes.js';
import { Tensor } from '../tensor/tensor.js';
import { noGrad } from './grad-mode.js';
import { RangeGrad } from './range-grad.js';

/** Reverse-mode autodiff from a scalar (or with an explicit seed gradient): each op's backward
 *  runs once, in reverse topological order, and leaf tensors that require a gradient accumulate
 *  it in `.grad`. The graph is released afterwards. */
export function backward(root: Tensor, seed?: Tensor): void {
  if (!root.requiresGrad) throw new LowbitError('backward: the tensor does not depend on anything that requires a gradient');
  if (!seed && root.size !== 1) throw new LowbitError(`backward: needs a scalar or a seed gradient, got shape [${root.shape.join(',')}]`);
  const order = topologicalOrder(root);
  const grads = new Map<Tensor, Tensor>([[root, seed ?? new Tensor(new Float32Array([1]), root.shape, 'float32', root.backend)]]);
  // sums made here and held by nothing else: later gradients are added into them in place
  const owned = new Set<Tensor>();
  const accumulate = (into: Tensor | undefined, g: Tensor): Tensor => {
    const sum = accumulateInto(into, g, owned);
    if (sum !== g) owned.add(sum);
    return sum;
  };
  noGrad(() => {
    for (let i = order.length - 1; i >= 0; i--) {
      const t = order[i]!;
      const g = grads.get(t);
      grads.delete(t);
      if (g) owned.delete(g); // handed to t's backward, which may pass it on as it is
      if (!g || !t.node) continue;
      const inputGrads = t.node.backward(g);
      t.node.inputs.forEach((input, j) => {
        const ig = inputGrads[j];
        if (!ig || !input.requiresGrad) return;
        if (input.node) grads.set(input as Tensor, accumulate(grads.get(input as Tensor), ig));
        else input.grad = accumulate(input.grad ?? undefined, ig);
      });
      t.node = null; // free the graph as we go
    }
  });
}

/** into + g, as kernels (the sum never leaves the backend): in place when `into` is owned, else
 *  a new tensor; a RangeGrad is added into its range of a whole-size sum. The result is either
 *  a new tensor or `into`, except for a first whole gradient, which is g itself (not owned). */
function accumulateInto(into: Tensor | undefined, g: Tensor, owned: ReadonlySet<Tensor>): Tensor {
  if (g instanceof RangeGrad) {
    let sum = into;
    if (!sum || !owned.has(sum)) {
      sum = Tensor.empty(g.of, 'float32', g.backend);
      if (into) sum.backend.copy(into.storage, 0, sum.storage, 0, into.size);
    }
    sum.backend.addAt(g.storage, sum.storage, g.at, g.size);
    return sum;
  }
  if (!into) return g;
  if (owned.has(into)) {
    into.backend.addAt(g.storage, into.storage, 0, g.size);
    return into;
  }
  const out = Tensor.empty(into.shape, 'float32', into.backend), strides = broadcastStrides(into.shape, into.shape);
  into.backend.broadcastBinary('add', into.storage, strides, g.storage, strides, out.storage, into.shape);
  return out;
}

/** Tensors reachable from root through nodes, each after all of its inputs (iterative DFS:
 *  deep graphs such as unrolled LSTMs would overflow a recursive one). */
function topologicalOrder(root: Tensor): Tensor[] {
  const order: Tensor[] = [];
  const seen = new Set<Tensor>();
  const stack: [Tensor, number][] = [[root, 0]];
  seen.add(root);
  while (stack.length) {
    const top = stack[stack.length - 1]!;
    const [t, next] = top;
    const inputs = t.node?.inputs ?? [];
    if (next < inputs.length) {
      top[1]++;
      const input = inputs[next] as Tensor;
      if (input.requiresGrad && !seen.has(input)) { seen.add(input); stack.push([input, 0]); }
    } else {
      order.push(t);
      stack.pop();
    }
  }
  return order;
}
