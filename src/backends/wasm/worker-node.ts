import { workerData } from 'node:worker_threads';
import type { WorkerInit } from './platform.js';
import { workerLoop } from './worker-loop.js';

// Entry of a Node worker thread of the wasm backend (see platform-node.ts).
const init = workerData as WorkerInit;
await workerLoop(init.module, init.memory, init.controlOffset, init.slot);
