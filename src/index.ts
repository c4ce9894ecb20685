/** lowbit: train and run quantized neural networks (1 to a few bits) in TypeScript.
 *  The only entry point; grouped as tensor, nn, quant, optim, data, models, train, deploy. */

// tensor
export { Tensor, type DType } from './tensor/tensor.js';
export { tensor, zeros, ones, full, randn, uniform, empty } from './tensor/creation.js';
export { Random } from './tensor/random.js';
export { packSigns, unpackSigns } from './tensor/packing.js';
export { backward } from './autograd/backward.js';
export { noGrad } from './autograd/grad-mode.js';
export { useBackend, backendNames, kernels } from './backends/registry.js';
export { initDefaultBackend } from './backends/default-backend.js'; // also registers 'wasm'
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
export { loadMnist } from './data/mnist.js';
export { batches, toFloat, type PixelScale, type Augment } from './data/batches.js';
export { subset, type Dataset } from './data/dataset.js';
export { parseIdx, type Idx } from './data/idx.js';
export { datasetFromArrays } from './data/from-arrays.js';
export { DataError } from './data/data-error.js';
export { loadCifar10, parseCifar10Batch, type Cifar10, type Cifar10Options } from './data/cifar10.js';
export { loadSvhn, svhnFromMat, type Svhn, type SvhnOptions } from './data/svhn.js';
export { parseMat5, type Mat5Array, type Mat5Options } from './data/mat5.js';
export { whitenSplits, fitWhitening, applyWhitening, type Preprocess, type Whitening } from './data/whiten.js';
export { loadDataset, DATASET_NAMES, type DatasetName, type LoadDatasetOptions } from './data/load-dataset.js';

// models
export { mnistMlp, type MnistMlpOptions } from './models/mnist-mlp.js';
export { buildModel } from './models/registry.js';
export { cifar10Cnv, cifar10BinaryNet, svhnBinaryNet, type ConvNetOptions } from './models/conv-nets.js';
export { ptbLm, PtbLm, type PtbLmOptions } from './models/ptb-lm.js';

// train
export { fit, type TrainConfig, type EpochMetrics } from './train/trainer.js';
export { runRecipe, type Recipe } from './train/experiment.js';
export { saveCheckpoint, loadCheckpoint } from './train/checkpoint.js';
export { classificationError } from './train/evaluate.js';
export { fitLanguageModel, perplexity, type LmTrainConfig } from './train/lm-trainer.js';
export { runLanguageModel, type LmRunOptions, type LmExperimentResult } from './train/lm-run.js';
export { loadLanguageModel, type TrainedLm } from './train/lm-model.js';
export { sampleText, type SampleOptions, type Sample } from './train/lm-sample.js';
export { loadPtb, type Ptb } from './data/ptb.js';
export { loadTrainedModel } from './train/trained-model.js';
export { summarize } from './train/summary.js';

// deploy
export { compile, type CompileOptions } from './deploy/compile.js';
export { PackedEngine } from './deploy/engine.js';
export { encodeModel, decodeModel, FORMAT_VERSION } from './deploy/model-file.js';
export { saveModelFile, loadModelFile } from './deploy/model-file-node.js';
export { exportOnnx } from './deploy/onnx/export-onnx.js';
export { DeployError } from './deploy/deploy-error.js';
export { ModelFileError } from './deploy/model-file-error.js';
export type { PackedGraph, PackedLayer } from './deploy/graph.js';
