package dev.clae.encoder;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;

/**
 * Maps features to the embedding the contrastive loss reads, then L2-normalises it. SimCLR's head
 * is an MLP {@code d -> hidden -> ReLU -> dim}; UEL's and Plain's is one linear layer {@code d ->
 * dim}. The head has no batch norm, so it is shared by both branches.
 */
public final class ProjectionHead extends Layer {
  private final Dense first;
  private final Dense second;
  private final int in;

  /**
   * Creates a head.
   *
   * @param hidden hidden units, or 0 for a linear head
   */
  public ProjectionHead(int in, int hidden, int dim) {
    this.in = in;
    if (hidden > 0) {
      first = addChildBlock("fc1", new Dense(in, hidden));
      second = addChildBlock("fc2", new Dense(hidden, dim));
    } else {
      first = addChildBlock("fc", new Dense(in, dim));
      second = null;
    }
  }

  /** Returns the embedding size. */
  public int dim() {
    return second == null ? first.units() : second.units();
  }

  @Override
  public NDArray apply(NDArray h, boolean training) {
    NDArray z = first.apply(h, training);
    if (second != null) {
      z = ResidualBlock.relu(z);
      z = then(z, second, training);
    }
    NDArray normalised = z.normalize(2, 1, 1e-12);
    z.close();
    return normalised;
  }

  @Override
  public Shape outputShape(Shape s) {
    return new Shape(s.get(0), dim());
  }

  @Override
  public long forwardFlops(Shape s) {
    long f = first.forwardFlops(s);
    return second == null ? f : f + second.forwardFlops(first.outputShape(s));
  }

  /** Returns the input feature size. */
  public int inputDim() {
    return in;
  }
}
