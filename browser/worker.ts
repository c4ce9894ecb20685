// A page's Worker: may block in Atomics.wait, so the wasm backend can run threads here.
import { runChecks } from './checks.js';

self.onmessage = async (event: MessageEvent<{ threads: number }>) => {
  try {
    self.postMessage(await runChecks(event.data.threads));
  } catch (e) {
    self.postMessage({ error: String((e as Error)?.stack ?? e) });
  }
};
