/** The peer of bench/conv-training-step.ts: TensorFlow.js training cifar10-cnv's float twin (the
 *  same layers as `cifar10Cnv({ float: true })`: 3×3 valid convs without bias, 2×2 max-pools, batch
 *  norm over the batch, HardTanh, dense layers with bias, the squared hinge, Adam lr 0.001) on its
 *  pure-JS cpu backend: the wasm backend has no Conv2DBackpropFilter, and tfjs-node (native) is
 *  not installed. Seconds per step (forward + backward + update) after one warm-up step, which may
 *  be smaller (the cpu backend's convolutions are plain loops: minutes per batch of 100). */
import * as tf from '@tensorflow/tfjs';

const CONVS: (number | 'M')[] = [64, 64, 'M', 128, 128, 'M', 256, 256], DENSE = [512, 512, 10];

export async function tfjsStepSeconds(batch: number, steps: number, seed: number, warmUpBatch = batch): Promise<{ backend: string; version: string; seconds: number[] }> {
  await tf.setBackend('cpu');
  await tf.ready();
  const glorot = (shape: number[], fanIn: number, fanOut: number, s: number): tf.Variable =>
    tf.variable(tf.randomUniform(shape, -Math.sqrt(6 / (fanIn + fanOut)), Math.sqrt(6 / (fanIn + fanOut)), 'float32', s));
  const bn = (c: number): [tf.Variable, tf.Variable] => [tf.variable(tf.ones([c])), tf.variable(tf.zeros([c]))];
  let channels = 3, s = seed;
  const convs = CONVS.map((c) => {
    if (c === 'M') return 'M' as const;
    const w = glorot([3, 3, channels, c], 9 * channels, 9 * c, s++), [gamma, beta] = bn(c);
    channels = c;
    return { w, gamma, beta };
  });
  let fanIn = channels * 1 * 1; // 32 → 30 → 28 → 14 → 12 → 10 → 5 → 3 → 1
  const dense = DENSE.map((out) => {
    const w = glorot([fanIn, out], fanIn, out, s++), b = tf.variable(tf.zeros([out])), [gamma, beta] = bn(out);
    fanIn = out;
    return { w, b, gamma, beta };
  });
  const norm = (x: tf.Tensor, gamma: tf.Tensor, beta: tf.Tensor, axes: number[]): tf.Tensor => {
    const { mean, variance } = tf.moments(x, axes);
    return tf.batchNorm(x, mean, variance, beta, gamma, 1e-4);
  };
  const forward = (x: tf.Tensor4D): tf.Tensor2D => {
    let h: tf.Tensor = x;
    convs.forEach((layer, i) => {
      if (layer === 'M') return;
      h = tf.conv2d(h as tf.Tensor4D, layer.w as tf.Tensor4D, 1, 'valid');
      if (CONVS[i + 1] === 'M') h = tf.maxPool(h as tf.Tensor4D, 2, 2, 'valid');
      h = tf.clipByValue(norm(h, layer.gamma, layer.beta, [0, 1, 2]), -1, 1);
    });
    h = tf.reshape(h, [x.shape[0], -1]);
    dense.forEach((layer, i) => {
      h = norm(tf.add(tf.matMul(h as tf.Tensor2D, layer.w as tf.Tensor2D), layer.b), layer.gamma, layer.beta, [0]);
      if (i < dense.length - 1) h = tf.clipByValue(h, -1, 1);
    });
    return h as tf.Tensor2D;
  };
  const optimizer = tf.train.adam(0.001);
  const seconds: number[] = [];
  for (let step = 0; step <= steps; step++) {
    const rows = step === 0 ? warmUpBatch : batch; // the warm-up only has to run every code path once
    const x = tf.randomUniform([rows, 32, 32, 3], -1, 1, 'float32', seed + 100 + step) as tf.Tensor4D;
    const labels = tf.oneHot(tf.randomUniform([rows], 0, 10, 'int32', seed + 200 + step) as tf.Tensor1D, 10);
    const t = performance.now();
    const loss = optimizer.minimize(() => tf.tidy(() => {
      const target = tf.sub(tf.mul(labels, 2), 1), margin = tf.relu(tf.sub(1, tf.mul(target, forward(x))));
      return tf.mean(tf.square(margin)) as tf.Scalar;
    }), true);
    await loss!.data();
    if (step > 0) seconds.push((performance.now() - t) / 1000);
    tf.dispose([x, labels, loss!]);
  }
  return { backend: tf.getBackend(), version: tf.version.tfjs, seconds };
}
