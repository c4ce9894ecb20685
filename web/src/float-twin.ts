// The float32 twin of the shipped model through onnxruntime-web, from files the build copied
// beside the page (ort/): no network. Typed here by what the page uses of it.
interface OrtTensor { data: Float32Array }
interface OrtSession { run(feeds: Record<string, unknown>): Promise<Record<string, OrtTensor>>; inputNames: readonly string[]; outputNames: readonly string[] }
interface Ort {
  env: { wasm: { wasmPaths: string; numThreads: number; proxy: boolean } };
  Tensor: new (type: 'float32', data: Float32Array, dims: number[]) => unknown;
  InferenceSession: { create(model: Uint8Array, opts: { executionProviders: string[] }): Promise<OrtSession> };
}

export interface FloatTwin { scores(pixels: Uint8Array): Promise<Float32Array> }

/** Load onnxruntime-web (wasm, one thread, as the packed engine on the page's main thread) and
 *  the twin. Its input is the pixels scaled as in training: 2p/255 − 1 ('symmetric'). */
export async function loadFloatTwin(modelUrl: URL): Promise<FloatTwin> {
  const ortUrl = new URL('../ort/', import.meta.url);
  const ort = (await import(new URL('ort.wasm.min.mjs', ortUrl).href)) as Ort;
  ort.env.wasm.wasmPaths = ortUrl.href;
  ort.env.wasm.numThreads = 1;
  const bytes = new Uint8Array(await (await fetch(modelUrl)).arrayBuffer());
  const session = await ort.InferenceSession.create(bytes, { executionProviders: ['wasm'] });
  const input = session.inputNames[0]!, output = session.outputNames[0]!;
  return {
    async scores(pixels) {
      const x = Float32Array.from(pixels, (p) => (2 * p) / 255 - 1);
      return (await session.run({ [input]: new ort.Tensor('float32', x, [1, pixels.length]) }))[output]!.data;
    },
  };
}
