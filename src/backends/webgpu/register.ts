import { registerBackend } from '../registry.js';

// Importing this module makes `useBackend('webgpu')` available; Dawn (npm `webgpu`) or
// navigator.gpu is touched only when it is used.
registerBackend('webgpu', async () => (await import('./index.js')).loadWebGpuBackend());
