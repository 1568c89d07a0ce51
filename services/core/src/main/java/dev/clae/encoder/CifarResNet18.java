package dev.clae.encoder;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;
import dev.clae.config.ClaeConfig;

/**
 * ResNet-18 in its CIFAR form, the encoder of the CLAE reference: a 3x3 stride-1 stem without
 * max-pool, four stages of two {@link ResidualBlock}s with 64, 128, 256 and 512 channels (strides
 * 1, 2, 2, 2), global average pooling to 512 features. A width multiplier scales every channel
 * count for small CPU runs.
 */
public final class CifarResNet18 extends Encoder {
  private static final int[] WIDTHS = {64, 128, 256, 512};

  private final Conv stem;
  private final DualBatchNorm stemBn;
  private final ResidualBlock[] blocks = new ResidualBlock[8];
  private final int features;

  /** Creates the encoder for images with {@code channels} channels. */
  public CifarResNet18(int channels, double width, BnSpec bn) {
    int c = ClaeConfig.scaledChannels(WIDTHS[0], width);
    stem = addChildBlock("stem", new Conv(channels, c, 3, 1));
    stemBn = addChildBlock("stem_bn", bn.create(c));
    int in = c;
    for (int stage = 0; stage < 4; stage++) {
      int out = ClaeConfig.scaledChannels(WIDTHS[stage], width);
      for (int i = 0; i < 2; i++) {
        int stride = stage > 0 && i == 0 ? 2 : 1;
        String name = "layer" + (stage + 1) + "_" + i;
        blocks[stage * 2 + i] = addChildBlock(name, new ResidualBlock(in, out, stride, bn));
        in = out;
      }
    }
    features = in;
  }

  @Override
  public int featureDim() {
    return features;
  }

  @Override
  public NDArray apply(NDArray x, boolean training) {
    NDArray y = stem.apply(x, training);
    y = then(y, stemBn, training);
    y = ResidualBlock.relu(y);
    for (ResidualBlock b : blocks) {
      y = then(y, b, training);
    }
    return globalAveragePool(y);
  }

  @Override
  public Shape outputShape(Shape in) {
    return new Shape(in.get(0), features);
  }

  @Override
  public long forwardFlops(Shape in) {
    long f = stem.forwardFlops(in);
    Shape s = stem.outputShape(in);
    for (ResidualBlock b : blocks) {
      f += b.forwardFlops(s);
      s = b.outputShape(s);
    }
    return f;
  }

  /** Returns the FLOPs of the stem convolution alone (its input gradient is never needed). */
  public long stemFlops(Shape in) {
    return stem.forwardFlops(in);
  }
}
