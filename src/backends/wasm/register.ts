import { opaque, registerBackend } from '../registry.js';
import { loadWasmKernels } from './index.js';

// Importing this module makes `useBackend('wasm')` available.
registerBackend('wasm', async () => opaque(await loadWasmKernels()));
