package dev.clae.encoder;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.nn.convolutional.Conv2d;
import ai.djl.training.initializer.XavierInitializer;

/**
 * A square 2-D convolution without bias (every convolution of the encoders is followed by a batch
 * norm), initialised as PyTorch does: uniform in {@code +-1/sqrt(fan_in)}.
 */
public final class Conv extends Layer {
  private final int in;
  private final int out;
  private final int kernel;
  private final int stride;
  private final int padding;
  private final Parameter weight;

  /** Creates a {@code kernel x kernel} convolution with "same" padding for odd kernels. */
  public Conv(int in, int out, int kernel, int stride) {
    this.in = in;
    this.out = out;
    this.kernel = kernel;
    this.stride = stride;
    this.padding = kernel / 2;
    this.weight =
        addParameter(
            Parameter.builder()
                .setName("weight")
                .setType(Parameter.Type.WEIGHT)
                .optShape(new Shape(out, in, kernel, kernel))
                .optInitializer(pytorchDefault())
                .build());
  }

  static XavierInitializer pytorchDefault() {
    return new XavierInitializer(
        XavierInitializer.RandomType.UNIFORM, XavierInitializer.FactorType.IN, 1);
  }

  @Override
  public NDArray apply(NDArray x, boolean training) {
    return Conv2d.conv2d(
            x,
            weight.getArray(),
            null,
            new Shape(stride, stride),
            new Shape(padding, padding),
            new Shape(1, 1),
            1)
        .singletonOrThrow();
  }

  @Override
  public Shape outputShape(Shape s) {
    return new Shape(s.get(0), out, side(s.get(2)), side(s.get(3)));
  }

  private long side(long n) {
    return (n + 2L * padding - kernel) / stride + 1;
  }

  @Override
  public long forwardFlops(Shape s) {
    return 2L * in * out * kernel * kernel * side(s.get(2)) * side(s.get(3));
  }
}
