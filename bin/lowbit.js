#!/usr/bin/env node
import { setFlagsFromString } from 'node:v8';

// Node 20 compiles relaxed SIMD (fused multiply-add in the float products) only behind this flag;
// it must be set before the first module compiles. LOWBIT_RELAXED_SIMD=0 keeps the plain build.
if (process.env['LOWBIT_RELAXED_SIMD'] !== '0') setFlagsFromString('--experimental-wasm-relaxed-simd');
const { main } = await import('../dist/src/cli/main.js');

process.exitCode = await main(process.argv.slice(2));
