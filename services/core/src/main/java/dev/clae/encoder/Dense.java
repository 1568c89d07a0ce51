package dev.clae.encoder;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.nn.core.Linear;
import ai.djl.training.initializer.Initializer;

/** A fully connected layer {@code y = x W^T + b}, initialised as PyTorch does. */
public final class Dense extends Layer {
  private final int in;
  private final int out;
  private final Parameter weight;
  private final Parameter bias;

  /** Creates a dense layer from {@code in} to {@code out} units. */
  public Dense(int in, int out) {
    this.in = in;
    this.out = out;
    this.weight =
        addParameter(
            Parameter.builder()
                .setName("weight")
                .setType(Parameter.Type.WEIGHT)
                .optShape(new Shape(out, in))
                .optInitializer(Conv.pytorchDefault())
                .build());
    float bound = (float) (1 / Math.sqrt(in));
    Initializer uniform = (m, shape, type) -> m.randomUniform(-bound, bound, shape, type);
    this.bias =
        addParameter(
            Parameter.builder()
                .setName("bias")
                .setType(Parameter.Type.BIAS)
                .optShape(new Shape(out))
                .optInitializer(uniform)
                .build());
  }

  /** Returns the output units. */
  public int units() {
    return out;
  }

  @Override
  public NDArray apply(NDArray x, boolean training) {
    return Linear.linear(x, weight.getArray(), bias.getArray()).singletonOrThrow();
  }

  @Override
  public Shape outputShape(Shape s) {
    return new Shape(s.get(0), out);
  }

  @Override
  public long forwardFlops(Shape s) {
    return 2L * in * out;
  }
}
