import { test } from 'node:test';
import { runEngineConformance } from '../conformance-engine.js';
import { opaque } from '../registry.js';
import { referenceKernels } from './index.js';

test('reference packed-inference kernels equal their plain definitions', () => runEngineConformance('reference', opaque(referenceKernels)));
