import { DeployError } from './deploy-error.js';
import { crc32 } from '../codec/crc32.js';
import { parseJsonHeader } from '../codec/json-header.js';
import { describeValue } from '../errors/describe-value.js';
import { AFFINE_ROWS, checkGraph, MAX_FEATURES, thresholdsPerUnit, wordsFor, type ConvShape, type PackedGraph, type PackedLayer, type PoolShape } from './graph.js';
import { levelsProblem, type Levels } from './levels.js';
import { ModelFileError } from './model-file-error.js';

/** The .lbit model file (little-endian), readable from a Node Buffer or a browser ArrayBuffer:
 *    0  magic "LBIT\r\n\x1a\n" (the PNG trick: text-mode mangling and truncation show up at once)
 *    8  u32 format version       12  u32 JSON bytes       16  u32 payload bytes
 *   20  u32 CRC-32 of everything after this 24-byte header
 *   24  the graph as JSON (utf-8), zero-padded to a multiple of 8
 *    P  payload: one section per array, each at an 8-byte-aligned offset from P
 *  The JSON names each layer's sections as { offset, bytes } relative to P.
 *  Versions: 2 added input and weight levels per layer (k-bit) and thresholds per level; 3 conv
 *  layers (kind 'conv' with its conv, filters and pool), and the version repeated in the JSON (under
 *  the checksum, so a damaged header version is caught). A graph without conv layers is written
 *  as version 2, byte for byte as before, which every lowbit since reads; both are read. */
export const FORMAT_VERSION = 3;
const VERSIONS = [2, FORMAT_VERSION];
const MAGIC = [0x4c, 0x42, 0x49, 0x54, 0x0d, 0x0a, 0x1a, 0x0a];
const HEADER_BYTES = 24;
const MAX_JSON_BYTES = 1 << 20;
const MAX_LAYERS = 1024;
const LITTLE_ENDIAN_HOST = new Uint8Array(new Uint32Array([1]).buffer)[0] === 1;

type SectionName = 'weights' | 'thresholds' | 'directions' | 'affine';
interface Section { offset: number; bytes: number }
const align8 = (n: number): number => Math.ceil(n / 8) * 8;

/** The arrays of a layer with their sizes as the shapes dictate. */
function sectionsOf(l: PackedLayer): [SectionName, Uint8Array][] {
  const bytes = (a: ArrayBufferView): Uint8Array => new Uint8Array(a.buffer, a.byteOffset, a.byteLength);
  return l.kind !== 'scores'
    ? [['weights', bytes(l.weights)], ['thresholds', bytes(l.thresholds)], ['directions', bytes(l.directions)]]
    : [['weights', bytes(l.weights)], ['affine', bytes(l.affine)]];
}

/** Serialise a packed graph. @example await writeFile('model.lbit', encodeModel(compile(model, { scale }))) */
export function encodeModel(graph: PackedGraph): Uint8Array {
  if (!LITTLE_ENDIAN_HOST) throw new DeployError('encodeModel: big-endian hosts are not supported (sections are written as the host lays them out)');
  checkGraph(graph, 'encodeModel');
  let payloadBytes = 0;
  const parts: [number, Uint8Array][] = [];
  const layers = graph.layers.map((l) => {
    const meta = { kind: l.kind, input: l.input, inFeatures: l.inFeatures, outFeatures: l.outFeatures, inputLevels: l.inputLevels, weightLevels: l.weightLevels,
      ...(l.kind === 'conv' ? { conv: l.conv, filters: l.filters, pool: l.pool } : {}) };
    const sections: Record<string, Section> = {};
    for (const [name, data] of sectionsOf(l)) {
      sections[name] = { offset: payloadBytes, bytes: data.length };
      parts.push([payloadBytes, data]);
      payloadBytes = align8(payloadBytes + data.length);
    }
    return { ...meta, sections };
  });
  const version = graph.layers.some((l) => l.kind === 'conv') ? FORMAT_VERSION : 2;
  const json = new TextEncoder().encode(JSON.stringify({ format: 'lowbit-packed', ...(version > 2 ? { version } : {}), scale: graph.scale, inputs: graph.inputs, classes: graph.classes, layers }));
  const payloadStart = HEADER_BYTES + align8(json.length);
  const out = new Uint8Array(payloadStart + payloadBytes);
  out.set(MAGIC, 0);
  const view = new DataView(out.buffer);
  view.setUint32(8, version, true);
  view.setUint32(12, json.length, true);
  view.setUint32(16, payloadBytes, true);
  out.set(json, HEADER_BYTES);
  for (const [offset, data] of parts) out.set(data, payloadStart + offset);
  view.setUint32(20, crc32(out.subarray(HEADER_BYTES)), true);
  return out;
}

/** Parse and validate a .lbit file. Every size, count, offset and shape is checked against the
 *  file before anything is allocated or read, so a truncated, corrupted or hostile file gives a
 *  ModelFileError, and no allocation exceeds the file's own size.
 *  @example const graph = decodeModel(await (await fetch('model.lbit')).arrayBuffer()) */
export function decodeModel(input: Uint8Array | ArrayBuffer, file = 'model'): PackedGraph {
  const fail = (what: string): never => { throw new ModelFileError(`${file}: ${what}`); };
  const bytes = input instanceof Uint8Array ? input : new Uint8Array(input);
  if (!LITTLE_ENDIAN_HOST) fail('big-endian hosts are not supported');
  if (bytes.length < HEADER_BYTES) fail(`too short for a lowbit model (${bytes.length} bytes, the header alone is ${HEADER_BYTES})`);
  if (MAGIC.some((b, i) => bytes[i] !== b)) fail('not a lowbit model file (bad magic); make one with `lowbit export CHECKPOINT -o model.lbit`');
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const version = view.getUint32(8, true), jsonBytes = view.getUint32(12, true), payloadBytes = view.getUint32(16, true);
  if (!VERSIONS.includes(version)) fail(`format version ${version} is not supported (this lowbit reads versions ${VERSIONS.join(' and ')}); export the model again`);
  if (jsonBytes > MAX_JSON_BYTES) fail(`header claims ${jsonBytes} bytes of graph JSON (at most ${MAX_JSON_BYTES})`);
  const payloadStart = HEADER_BYTES + align8(jsonBytes);
  if (payloadStart + payloadBytes !== bytes.length) {
    fail(`${payloadStart + payloadBytes > bytes.length ? 'truncated' : 'has trailing data'}: the header says ${payloadStart + payloadBytes} bytes, the file has ${bytes.length}`);
  }
  if (crc32(bytes.subarray(HEADER_BYTES)) !== view.getUint32(20, true)) fail('checksum mismatch: the file is corrupted; export it again');
  const meta = parseJsonHeader(bytes.subarray(HEADER_BYTES, HEADER_BYTES + jsonBytes), (what) => fail(`graph ${what}`));
  return readGraph(meta, bytes.subarray(payloadStart), version, fail);
}

function readGraph(meta: unknown, payload: Uint8Array, version: number, fail: (what: string) => never): PackedGraph {
  const obj = (v: unknown, what: string): Record<string, unknown> =>
    typeof v === 'object' && v !== null && !Array.isArray(v) ? v as Record<string, unknown> : fail(`${what} must be an object`);
  const int = (o: Record<string, unknown>, key: string, what: string, max: number): number => {
    const v = o[key];
    return Number.isInteger(v) && (v as number) >= 0 && (v as number) <= max ? v as number : fail(`${what}.${key} must be an integer in 0..${max}, got ${describeValue(v)}`);
  };
  const g = obj(meta, 'graph');
  if (g.format !== 'lowbit-packed') fail(`graph.format must be 'lowbit-packed', got ${describeValue(g.format)}`);
  if ((g.version ?? 2) !== version) fail(`the header says format version ${version}, the graph ${describeValue(g.version ?? 2)}: the file is damaged; export it again`);
  if (g.scale !== 'symmetric' && g.scale !== 'unit') fail(`graph.scale must be 'symmetric' or 'unit', got ${describeValue(g.scale)}`);
  if (!Array.isArray(g.layers) || g.layers.length < 1 || g.layers.length > MAX_LAYERS) fail(`graph.layers must be an array of 1..${MAX_LAYERS} layers`);
  const used: [number, number][] = [];
  const section = (l: Record<string, unknown>, name: SectionName, expected: number, what: string): Uint8Array => {
    const s = obj(obj(l.sections, `${what}.sections`)[name], `${what}.sections.${name}`);
    const offset = int(s, 'offset', `${what}.${name}`, payload.length), bytes = int(s, 'bytes', `${what}.${name}`, payload.length);
    if (offset % 8 !== 0) fail(`${what}.${name}: offset ${offset} is not 8-byte aligned`);
    if (bytes !== expected) fail(`${what}.${name}: holds ${bytes} bytes, its shape needs ${expected}`);
    if (offset + bytes > payload.length) fail(`truncated: ${what}.${name} needs payload bytes ${offset}..${offset + bytes}, the payload has ${payload.length}`);
    if (used.some(([a, b]) => offset < b && a < offset + bytes)) fail(`${what}.${name} overlaps another section`);
    used.push([offset, offset + bytes]);
    return payload.subarray(offset, offset + bytes);
  };
  const levels = (l: Record<string, unknown>, key: string, what: string, weights: boolean): Levels => {
    const o = obj(l[key], `${what}.${key}`), v = { bits: o.bits, lo: o.lo, hi: o.hi } as Levels;
    const bad = levelsProblem(v, `${what}.${key}`, weights);
    return bad ? fail(bad) : v;
  };
  const raws = (g.layers as unknown[]).map((raw, i) => obj(raw, `layer ${i}`));
  const inputLevels = raws.map((l, i) => levels(l, 'inputLevels', `layer ${i}`, false));
  const layers = raws.map((l, i): PackedLayer => {
    const what = `layer ${i}`;
    const inFeatures = int(l, 'inFeatures', what, MAX_FEATURES), outFeatures = int(l, 'outFeatures', what, MAX_FEATURES);
    if (l.input !== 'pixels8' && l.input !== 'bits') fail(`${what}.input must be 'pixels8' or 'bits', got ${describeValue(l.input)}`);
    const input = l.input as PackedLayer['input'], weightLevels = levels(l, 'weightLevels', what, true);
    const base = { input, inFeatures, outFeatures, inputLevels: inputLevels[i]!, weightLevels };
    if (l.kind === 'conv') {
      if (version < 3) fail(`${what}: a conv layer in a version ${version} file (conv layers came with version 3)`);
      const c = obj(l.conv, `${what}.conv`), p = l.pool === null ? null : obj(l.pool, `${what}.pool`);
      const conv = Object.fromEntries((['height', 'width', 'channels', 'kh', 'kw', 'stride', 'padTop', 'padLeft', 'outH', 'outW'] as const)
        .map((key) => [key, int(c, key, `${what}.conv`, MAX_FEATURES)])) as unknown as ConvShape;
      const pool = p && Object.fromEntries((['size', 'stride', 'outH', 'outW'] as const).map((key) => [key, int(p, key, `${what}.pool`, MAX_FEATURES)])) as unknown as PoolShape;
      const filters = int(l, 'filters', what, MAX_FEATURES), window = conv.kh * conv.kw * conv.channels;
      // the window bounds the weights' size before it is computed or read (checkGraph checks the rest)
      if (window > MAX_FEATURES) fail(`${what}.conv: a ${conv.kh}×${conv.kw}×${conv.channels} window exceeds ${MAX_FEATURES} values`);
      const weights = copy(section(l, 'weights', 4 * filters * weightLevels.bits * wordsFor(window), what), Uint32Array);
      const count = filters * thresholdsPerUnit(inputLevels[i + 1]?.bits ?? 1);
      const thresholds = copy(section(l, 'thresholds', 4 * count, what), Int32Array);
      const directions = copy(section(l, 'directions', count, what), Uint8Array);
      return { kind: 'conv', ...base, conv, filters, pool, weights, thresholds, directions };
    }
    const weights = copy(section(l, 'weights', 4 * outFeatures * weightLevels.bits * wordsFor(inFeatures), what), Uint32Array);
    if (l.kind === 'threshold') {
      const count = outFeatures * thresholdsPerUnit(inputLevels[i + 1]?.bits ?? 1);
      const thresholds = copy(section(l, 'thresholds', 4 * count, what), Int32Array);
      const directions = copy(section(l, 'directions', count, what), Uint8Array);
      return { kind: 'threshold', ...base, weights, thresholds, directions };
    }
    if (l.kind !== 'scores') fail(`${what}.kind must be 'threshold', 'conv' or 'scores', got ${describeValue(l.kind)}`);
    const affine = copy(section(l, 'affine', 4 * AFFINE_ROWS * outFeatures, what), Float32Array);
    return { kind: 'scores', ...base, weights, affine };
  });
  const graph: PackedGraph = {
    scale: g.scale as PackedGraph['scale'], inputs: int(g, 'inputs', 'graph', MAX_FEATURES), classes: int(g, 'classes', 'graph', MAX_FEATURES), layers,
  };
  try { checkGraph(graph, 'graph'); } catch (e) { if (e instanceof DeployError) fail(e.message); throw e; }
  return graph;
}

/** An aligned copy: a Buffer's bytes may sit at any offset (the host is little-endian, checked). */
function copy<T extends Uint32Array | Int32Array | Uint8Array | Float32Array>(src: Uint8Array, Ctor: { new(n: number): T; BYTES_PER_ELEMENT: number }): T {
  const out = new Ctor(src.length / Ctor.BYTES_PER_ELEMENT);
  new Uint8Array(out.buffer).set(src);
  return out;
}
