package dev.clae.encoder;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;

/**
 * The basic residual block of ResNet-18 (He et al. 2016): conv3x3-BN-ReLU-conv3x3-BN plus a
 * shortcut (identity, or conv1x1-BN when the stride or width changes), then ReLU. Every batch norm,
 * the shortcut's included, can be dual.
 */
public final class ResidualBlock extends Layer {
  private final Conv conv1;
  private final DualBatchNorm bn1;
  private final Conv conv2;
  private final DualBatchNorm bn2;
  private final Conv shortcutConv;
  private final DualBatchNorm shortcutBn;

  /** Creates a block from {@code in} to {@code out} channels with the given stride. */
  public ResidualBlock(int in, int out, int stride, BnSpec bn) {
    conv1 = addChildBlock("conv1", new Conv(in, out, 3, stride));
    bn1 = addChildBlock("bn1", bn.create(out));
    conv2 = addChildBlock("conv2", new Conv(out, out, 3, 1));
    bn2 = addChildBlock("bn2", bn.create(out));
    if (stride != 1 || in != out) {
      shortcutConv = addChildBlock("shortcut_conv", new Conv(in, out, 1, stride));
      shortcutBn = addChildBlock("shortcut_bn", bn.create(out));
    } else {
      shortcutConv = null;
      shortcutBn = null;
    }
  }

  @Override
  public NDArray apply(NDArray x, boolean training) {
    NDArray y = conv1.apply(x, training);
    y = then(y, bn1, training);
    y = relu(y);
    y = then(y, conv2, training);
    y = then(y, bn2, training);
    NDArray sum;
    if (shortcutConv != null) {
      NDArray s = shortcutConv.apply(x, training);
      s = then(s, shortcutBn, training);
      sum = y.add(s);
      s.close();
    } else {
      sum = y.add(x);
    }
    y.close();
    return relu(sum);
  }

  /** ReLU that closes its input. */
  static NDArray relu(NDArray x) {
    NDArray y = Activation.relu(x);
    x.close();
    return y;
  }

  @Override
  public Shape outputShape(Shape in) {
    return conv2.outputShape(conv1.outputShape(in));
  }

  @Override
  public long forwardFlops(Shape in) {
    Shape mid = conv1.outputShape(in);
    long f = conv1.forwardFlops(in) + conv2.forwardFlops(mid);
    return shortcutConv == null ? f : f + shortcutConv.forwardFlops(in);
  }
}
