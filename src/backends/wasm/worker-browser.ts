import type { WorkerInit } from './platform.js';
import { workerLoop } from './worker-loop.js';

// Entry of a Web Worker of the wasm backend (see platform-browser.ts).
self.onmessage = (event: MessageEvent<WorkerInit>) => {
  const init = event.data;
  void workerLoop(init.module, init.memory, init.controlOffset, init.slot);
};
