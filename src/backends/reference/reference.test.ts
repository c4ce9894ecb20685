import { runConformance } from '../conformance.js';
import { opaque } from '../registry.js';
import { referenceKernels } from './index.js';

// The reference against itself through the storage contract: a check of the harness (uploads
// and reads) more than of the kernels.
runConformance('reference', opaque(referenceKernels), { persistent: false }); // persistent storage is the same arrays
