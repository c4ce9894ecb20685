/** lowbit for browsers (and bundlers that target them): the `browser` condition of the package's
 *  `exports`, so `import { PackedEngine } from 'lowbit'` resolves here in a page or a Worker.
 *  The same names as `index.ts` except those that read or write files or spawn processes
 *  (loadMnist, fit, runRecipe, checkpoints, loadModelFile/saveModelFile, loadTrainedModel,
 *  exportOnnx, initDefaultBackend); nothing imported from here, directly or not, is a `node:`
 *  module or another package (test/browser-entry.test.ts walks the imports). The wasm backend is
 *  registered: `await useBackend('wasm')` fetches build/*.wasm beside dist/. */
import './backends/wasm/register.js';

// tensor
export { Tensor, type DType } from './tensor/tensor.js';
export { tensor, zeros, ones, full, randn, uniform, empty } from './tensor/creation.js';
export { Random } from './tensor/random.js';
export { packSigns, unpackSigns } from './tensor/packing.js';
export { backward } from './autograd/backward.js';
export { noGrad } from './autograd/grad-mode.js';
export { useBackend, backendNames, kernels } from './backends/registry.js';
export { LowbitError } from './errors/lowbit-error.js';
export { add, sub, mul, div } from './ops/arithmetic.js';
export { matmul, matmulT } from './ops/matmul.js';
export { binaryMatmulSteT, binaryMatmulT, signWeightMatmulSteT } from './ops/binary-matmul.js';
export { hardtanh } from './ops/hardtanh.js';
export { signSte } from './ops/sign-ste.js';
export { sum, mean } from './ops/reduce.js';
export { reshape } from './ops/reshape.js';

// nn
export { Module, type LayerConfig } from './nn/module.js';
export { Parameter } from './nn/parameter.js';
export { QuantDense, type QuantDenseOptions, type LrScaleSpec } from './nn/quant-dense.js';
export { Dense } from './nn/dense.js';
export { BatchNorm } from './nn/batch-norm.js';
export { HardTanh } from './nn/hard-tanh.js';
export { Dropout } from './nn/dropout.js';
export { Sequential } from './nn/sequential.js';
export { ShiftBatchNorm, type ShiftBatchNormOptions } from './nn/shift-batch-norm.js';
export { QuantConv2d, type QuantConv2dOptions } from './nn/quant-conv2d.js';
export { MaxPool2d } from './nn/max-pool2d.js';
export { Flatten, Unflatten } from './nn/flatten.js';
export { Embedding, type EmbeddingOptions } from './nn/embedding.js';
export { QuantLSTM } from './nn/quant-lstm.js';
export { QuantGRU } from './nn/quant-gru.js';
export { fromConfig, registerLayer } from './nn/from-config.js';

// quant
export { steSign, steStochasticSign } from './quant/ste-sign.js';
export { identity } from './quant/identity.js';
export { steLinear, type LinearOptions } from './quant/ste-linear.js';
export { steLog, type LogOptions } from './quant/ste-log.js';
export { quantizerForBits } from './quant/by-bits.js';
export { gradQuantLog, type GradientQuantizerName } from './quant/grad-quant-log.js';
export { ap2, roundHalfAway } from './backends/ap2.js';
export { quantizer, registerQuantizer } from './quant/registry.js';
export type { Quantizer, QuantizerConfig } from './quant/quantizer.js';

// optim, losses
export { Adam } from './optim/adam.js';
export { ShiftAdaMax, type ShiftAdaMaxOptions } from './optim/shift-adamax.js';
export { Optimizer } from './optim/optimizer.js';
export { exponentialDecay, halveEvery } from './optim/lr-schedule.js';
export { lossByName } from './losses/loss.js';
export { softmaxCrossEntropy, squaredHinge } from './ops/losses.js';

// data
export { batches, toFloat, type PixelScale, type Augment } from './data/batches.js';
export { subset, type Dataset } from './data/dataset.js';
export { parseIdx, type Idx } from './data/idx.js';
export { datasetFromArrays } from './data/from-arrays.js';
export { DataError } from './data/data-error.js';
export { whitenSplits, fitWhitening, applyWhitening, type Preprocess, type Whitening } from './data/whiten.js';

// models
export { mnistMlp, type MnistMlpOptions } from './models/mnist-mlp.js';
export { buildModel } from './models/registry.js';
export { cifar10Cnv, cifar10BinaryNet, svhnBinaryNet, type ConvNetOptions } from './models/conv-nets.js';
export { ptbLm, PtbLm, type PtbLmOptions } from './models/ptb-lm.js';

// train
export type { TrainConfig, EpochMetrics } from './train/trainer.js';
export { classificationError } from './train/evaluate.js';
export { fitLanguageModel, perplexity, type LmTrainConfig } from './train/lm-trainer.js';
export { sampleText, type SampleOptions, type Sample } from './train/lm-sample.js';
export { summarize } from './train/summary.js';

// deploy
export { compile, type CompileOptions } from './deploy/compile.js';
export { PackedEngine } from './deploy/engine.js';
export { encodeModel, decodeModel, FORMAT_VERSION } from './deploy/model-file.js';
export { DeployError } from './deploy/deploy-error.js';
export { ModelFileError } from './deploy/model-file-error.js';
export type { PackedGraph, PackedLayer } from './deploy/graph.js';
