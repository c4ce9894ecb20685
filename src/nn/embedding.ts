import { LowbitError } from '../errors/lowbit-error.js';
import { embedding } from '../ops/embedding.js';
import { Random } from '../tensor/random.js';
import type { Tensor } from '../tensor/tensor.js';
import { uniformInit } from './init.js';
import { Module, type LayerConfig } from './module.js';
import type { Parameter } from './parameter.js';

export interface EmbeddingOptions {
  /** The table starts uniform in [−initRange, initRange] (default 0.1, the PTB recipes' value). */
  initRange?: number;
  seed?: number;
}

/** Word vectors: a float [vocabulary, dim] table whose rows are looked up by id (`lookup`); its
 *  gradient adds into the rows that were used. Kept in float (QNN-SPEC §6.5 quantizes the
 *  recurrent layers' weights, hidden state and gates; the table is the input, as the first
 *  layer's input stays unquantized in the paper's other networks).
 *  Shapes: ids [n] (host Int32Array) → [n, dim].
 *  @example new Embedding(10_000, 300).lookup(Int32Array.from([3, 1])) // [2, 300] */
export class Embedding extends Module {
  readonly weight: Parameter;

  constructor(readonly vocabulary: number, readonly dim: number, private readonly opts: EmbeddingOptions = {}) {
    super();
    for (const [what, v] of [['vocabulary', vocabulary], ['dim', dim]] as const) {
      if (!Number.isInteger(v) || v < 1) throw new LowbitError(`Embedding: ${what} must be a positive integer, got ${v}`);
    }
    const range = opts.initRange ?? 0.1;
    if (!(range > 0)) throw new LowbitError(`Embedding: initRange must be > 0, got ${range}`);
    this.weight = this.param('weight', uniformInit([vocabulary, dim], range, new Random(opts.seed ?? 1)));
  }

  /** The vectors of these word ids, [ids.length, dim]. */
  lookup(ids: Int32Array): Tensor { return embedding(this.weight, ids); }

  /** An embedding takes word ids, not a float tensor: call `lookup(ids)`. */
  forward(x: Tensor): Tensor {
    throw new LowbitError(`Embedding: forward takes no float tensor (got [${x.shape}]); call lookup(ids) with an Int32Array of word ids`);
  }

  config(): LayerConfig {
    return { type: 'Embedding', vocabulary: this.vocabulary, dim: this.dim, initRange: this.opts.initRange ?? 0.1, seed: this.opts.seed ?? 1 };
  }
}
