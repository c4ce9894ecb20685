import { defineOp } from '../autograd/define-op.js';
import { f32, type Tensor } from '../tensor/tensor.js';
import { convGeometry } from './conv-geometry.js';

interface MaxPoolAttrs { size: number; stride: number }

/** Max over size × size windows of each channel of NHWC x, moved by stride, windows inside the
 *  image ('valid'): y [batch, outH, outW, C]. The gradient goes to each window's first maximum. */
const maxPoolOp = defineOp<MaxPoolAttrs>({
  name: 'maxPool2d',
  forward: ({ kernels, attrs, saved, output }, [x]) => {
    const g = convGeometry('maxPool2d', x!.shape, attrs.size, attrs.size, attrs.stride, 'valid');
    const y = output([g.batch, g.outH, g.outW, g.channels]), argmax = output(y.shape, 'int32');
    kernels.maxPool2d(f32(x!), g, y.storage, argmax.storage);
    saved.argmax = argmax;
    return y;
  },
  backward: ({ kernels, saved, output }, dy, [x]) => {
    const dx = output(x!.shape), argmax = saved.argmax as Tensor<'int32'>;
    kernels.maxPool2dBackward(dy.storage, argmax.storage, dy.size, dx.storage, x!.size);
    return [dx];
  },
});

/** @example maxPool2d(x, 2, 2) // [b, 32, 32, c] → [b, 16, 16, c] */
export const maxPool2d = (x: Tensor, size: number, stride = size): Tensor => maxPoolOp([x], { size, stride }) as Tensor;
