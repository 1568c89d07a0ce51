package dev.clae.encoder;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.pooling.Pool;
import dev.clae.config.ClaeConfig;

/**
 * A small encoder for tests and quick runs: three conv3x3-BN-ReLU layers with 32, 64 and 128
 * channels (times the width multiplier), 2x2 max-pooling after the first two, global average
 * pooling to 128 features. Its batch norms can be dual like ResNet-18's.
 */
public final class SmallConvNet extends Encoder {
  private static final int[] WIDTHS = {32, 64, 128};

  private final Conv[] convs = new Conv[3];
  private final DualBatchNorm[] bns = new DualBatchNorm[3];
  private final int features;

  /** Creates the encoder for images with {@code channels} channels. */
  public SmallConvNet(int channels, double width, BnSpec bn) {
    int in = channels;
    for (int i = 0; i < 3; i++) {
      int out = ClaeConfig.scaledChannels(WIDTHS[i], width);
      convs[i] = addChildBlock("conv" + (i + 1), new Conv(in, out, 3, 1));
      bns[i] = addChildBlock("bn" + (i + 1), bn.create(out));
      in = out;
    }
    features = in;
  }

  @Override
  public int featureDim() {
    return features;
  }

  @Override
  public NDArray apply(NDArray x, boolean training) {
    NDArray y = convs[0].apply(x, training);
    for (int i = 0; i < 3; i++) {
      if (i > 0) {
        y = then(y, convs[i], training);
      }
      y = then(y, bns[i], training);
      y = ResidualBlock.relu(y);
      if (i < 2) {
        NDArray p = Pool.maxPool2d(y, new Shape(2, 2), new Shape(2, 2), new Shape(0, 0), false);
        y.close();
        y = p;
      }
    }
    return globalAveragePool(y);
  }

  @Override
  public Shape outputShape(Shape in) {
    return new Shape(in.get(0), features);
  }

  @Override
  public long forwardFlops(Shape in) {
    long f = 0;
    Shape s = in;
    for (int i = 0; i < 3; i++) {
      f += convs[i].forwardFlops(s);
      s = convs[i].outputShape(s);
      if (i < 2) {
        s = new Shape(s.get(0), s.get(1), s.get(2) / 2, s.get(3) / 2);
      }
    }
    return f;
  }
}
