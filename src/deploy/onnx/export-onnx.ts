import type { PixelScale } from '../../data/batches.js';
import type { Module } from '../../nn/module.js';
import { blockValues, bnParams, denseBlocks } from '../dense-blocks.js';
import { DeployError } from '../deploy-error.js';
import { convOnnxGraph, hasConv } from './export-onnx-conv.js';
import { FLOAT, ModelProto } from './onnx-schema.js';

const OPSET = 13;
const IR_VERSION = 8;

/** The same trained network as a float32 ONNX model, for runtimes without lowbit (onnxruntime):
 *    x [batch, in] (pixels scaled as in training: `scale` metadata) → per dense block
 *    MatMul(h, W) with W the binarized weights as ±1 floats [in, out] → Add(bias) if any
 *    → BN folded to Mul(γ·invStd) + Add(β − γ·invStd·μ)
 *    → hidden blocks: sign as Where(Less(y, 0), −1, +1), which gives sign(0) = +1 (ONNX Sign
 *      gives 0 there, QNN-SPEC §10.1) → ... → scores [batch, classes].
 *  A conv net (one with a QuantConv2d) is laid out as convOnnxGraph says (export-onnx-conv.ts):
 *    x [batch, H·W·C] flat NHWC pixels → ... → scores [batch, classes].
 *  Encoded with protobufjs from onnx.proto's descriptors (onnx-schema.ts).
 *  @example await writeFile('model.onnx', await exportOnnx(model, { scale: 'symmetric' })) */
export async function exportOnnx(model: Module, opts: { scale: PixelScale }): Promise<Uint8Array> {
  if (hasConv(model)) {
    const { graph, input, classes } = convOnnxGraph(model);
    const [height, width, channels] = input.shape;
    return encode(opts.scale, graph.nodes, await graph.initializers(), input.features, classes,
      `Binarized conv net exported by lowbit in float32. Input x: ${height}x${width}x${channels} images flattened in NHWC order (height, width, channels), pixels scaled ${pixelFormula(opts.scale)}.`);
  }
  const blocks = denseBlocks(model), values = await Promise.all(blocks.map(blockValues));
  const nodes: object[] = [], inits: object[] = [];
  const tensor = (name: string, dims: number[], values: Float32Array) => {
    inits.push({ name, dims, dataType: FLOAT, rawData: new Uint8Array(values.buffer, values.byteOffset, values.byteLength) });
    return name;
  };
  const node = (opType: string, input: string[], output: string) => { nodes.push({ opType, input, output: [output], name: output }); return output; };
  const zero = tensor('zero', [], new Float32Array([0])), minus = tensor('minus_one', [], new Float32Array([-1])), plus = tensor('plus_one', [], new Float32Array([1]));
  let h = 'x';
  blocks.forEach(({ dense, bn }, i) => {
    const where = `exportOnnx: dense layer ${i}`;
    if (!dense.kernelQuantizer.binary) throw new DeployError(`${where}: its weights are not binarized (kernelQuantizer '${dense.kernelQuantizer.name}'); ONNX export takes binary nets only, the packed .lbit model (compile, lowbit export -o) also runs k-bit ones`);
    if (i > 0 && !dense.inputQuantizer.binary) throw new DeployError(`${where}: its input quantizer '${dense.inputQuantizer.name}' is not binary`);
    const k = dense.inFeatures, n = dense.outFeatures, w = values[i]!.weight;
    const wt = new Float32Array(k * n);
    for (let j = 0; j < n; j++) for (let p = 0; p < k; p++) wt[p * n + j] = w[j * k + p]! >= 0 ? 1 : -1; // sign(0) = +1
    let y = node('MatMul', [h, tensor(`w${i}`, [k, n], wt)], `matmul${i}`);
    const params = bnParams(dense, bn, where, values[i]!);
    if (dense.bias) y = node('Add', [y, tensor(`b${i}`, [n], Float32Array.from(params, (p) => p.bias))], `bias${i}`);
    const a = Float32Array.from(params, (p) => p.gamma * p.invStd);
    const c = Float32Array.from(params, (p, j) => p.beta - a[j]! * p.mean);
    y = node('Add', [node('Mul', [y, tensor(`bn_scale${i}`, [n], a)], `bn_mul${i}`), tensor(`bn_shift${i}`, [n], c)], i === blocks.length - 1 ? 'scores' : `bn${i}`);
    h = i === blocks.length - 1 ? y : node('Where', [node('Less', [y, zero], `negative${i}`), minus, plus], `sign${i}`);
  });
  const first = blocks[0]!.dense, classes = blocks.at(-1)!.dense.outFeatures;
  return encode(opts.scale, nodes, inits, first.inFeatures, classes, `Binarized MLP exported by lowbit in float32. Input x: pixels scaled ${pixelFormula(opts.scale)}.`);
}

const pixelFormula = (scale: PixelScale) => (scale === 'symmetric' ? 'x = 2p/255 - 1' : 'x = p/255');

/** The model message around a graph x [batch, inputs] → scores [batch, classes]. */
function encode(scale: PixelScale, nodes: object[], inits: object[], inputs: number, classes: number, docString: string): Uint8Array {
  const io = (name: string, width: number) => ({ name, type: { tensorType: { elemType: FLOAT, shape: { dim: [{ dimParam: 'batch' }, { dimValue: width }] } } } });
  const message = ModelProto.fromObject({
    irVersion: IR_VERSION, opsetImport: [{ domain: '', version: OPSET }], producerName: 'lowbit', producerVersion: '0.1.0',
    docString, metadataProps: [{ key: 'scale', value: scale }],
    graph: { name: 'lowbit', node: nodes, initializer: inits, input: [io('x', inputs)], output: [io('scores', classes)] },
  });
  return ModelProto.encode(message).finish();
}
