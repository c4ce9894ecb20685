// Every benchmark, one after the other: npm run bench
import { benchKernels } from './kernels.js';

await benchKernels();
