import { defineOp } from '../autograd/define-op.js';
import { LowbitError } from '../errors/lowbit-error.js';
import { Tensor, f32 } from '../tensor/tensor.js';

/** Rows of a [vocabulary, dim] table gathered by id; the table's gradient adds each output row's
 *  gradient into the row it came from (a repeated id sums). The ids have no gradient. */
const embeddingOp = defineOp({
  name: 'embedding',
  forward: ({ kernels, empty }, [table, ids]) => {
    const dim = table!.shape[1]!, out = empty([ids!.size, dim]);
    kernels.embeddingGather(f32(table!), ids!.storage as Tensor<'int32'>['storage'], out.storage, ids!.size, dim);
    return out;
  },
  backward: ({ kernels, empty }, dy, [table, ids]) => {
    const dtable = empty(table!.shape); // zero-filled: the kernel adds into it
    kernels.embeddingScatterAdd(dy.storage, ids!.storage as Tensor<'int32'>['storage'], dtable.storage, ids!.size, table!.shape[1]!);
    return [dtable, null];
  },
});

/** Look up word vectors: ids [n] (host values, each checked against the table) → [n, dim].
 *  @example embedding(table, Int32Array.from([3, 0, 3]))  // rows 3, 0 and 3 of table */
export function embedding(table: Tensor, ids: Int32Array): Tensor {
  if (table.rank !== 2) throw new LowbitError(`embedding: the table must be [vocabulary, dim], got [${table.shape}]`);
  const vocabulary = table.shape[0]!;
  for (const [i, id] of ids.entries()) {
    if (!(id >= 0 && id < vocabulary)) throw new LowbitError(`embedding: id ${id} at position ${i} is outside the vocabulary 0..${vocabulary - 1}`);
  }
  return embeddingOp([table, new Tensor(Int32Array.from(ids), [ids.length], 'int32', table.backend)], undefined) as Tensor;
}
