import { ATTR_INT, ATTR_INTS, FLOAT, INT64 } from './onnx-schema.js';

type Attribute = { name: string; type: number; i?: number; ints?: number[] };
type Initializer = { name: string; dims: number[]; dataType: number; values: () => Promise<Float32Array | BigInt64Array> };

/** Nodes and initializers of an ONNX graph as it is built, layer by layer. Float initializers are
 *  read lazily (`values` runs in `finish`), so a model the walk refuses costs no read of its weights. */
export class OnnxGraph {
  readonly nodes: { opType: string; input: string[]; output: string[]; name: string; attribute: Attribute[] }[] = [];
  private readonly inits: Initializer[] = [];
  private readonly names = new Set<string>();

  /** A float32 initializer whose values come later (read from the backend when the graph is finished). */
  float(name: string, dims: number[], values: () => Promise<Float32Array> | Float32Array): string {
    return this.init({ name, dims, dataType: FLOAT, values: async () => values() });
  }

  int64(name: string, values: number[]): string {
    return this.init({ name, dims: [values.length], dataType: INT64, values: async () => BigInt64Array.from(values, BigInt) });
  }

  /** One node with one output named `output` (also the node's name); attributes are ints or int lists. */
  node(opType: string, input: string[], output: string, attrs: Record<string, number | number[]> = {}): string {
    if (this.names.has(output)) throw new Error(`OnnxGraph: the name '${output}' is taken`); // a bug in a walk, not bad input
    this.names.add(output);
    const attribute = Object.entries(attrs).map(([name, v]) => (Array.isArray(v) ? { name, type: ATTR_INTS, ints: v } : { name, type: ATTR_INT, i: v }));
    this.nodes.push({ opType, input, output: [output], name: output, attribute });
    return output;
  }

  /** Renames the output of the node that wrote `from` (the graph's last value becomes 'scores'). */
  rename(from: string, to: string): string {
    const node = [...this.nodes].reverse().find((n) => n.output[0] === from);
    if (!node) throw new Error(`OnnxGraph: no node writes '${from}'`);
    node.output = [to]; node.name = to;
    return to;
  }

  /** The initializers as TensorProto objects, their values read now. */
  async initializers(): Promise<object[]> {
    return Promise.all(this.inits.map(async ({ name, dims, dataType, values }) => {
      const v = await values();
      return { name, dims, dataType, rawData: new Uint8Array(v.buffer, v.byteOffset, v.byteLength) };
    }));
  }

  private init(t: Initializer): string {
    if (this.names.has(t.name)) throw new Error(`OnnxGraph: the name '${t.name}' is taken`);
    this.names.add(t.name);
    this.inits.push(t);
    return t.name;
  }
}
