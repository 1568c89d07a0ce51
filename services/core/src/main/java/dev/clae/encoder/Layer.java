package dev.clae.encoder;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Block;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;

/**
 * A block with fixed parameter shapes and a single-array forward pass. Composite layers call their
 * children's {@link #apply} directly (no per-call initialisation check) and close every
 * intermediate array as soon as it is consumed: the autograd graph keeps what backward needs, and
 * everything else is freed at once, which keeps peak memory near PyTorch eager mode.
 */
public abstract class Layer extends AbstractBlock {
  /**
   * Runs the layer. The caller keeps ownership of {@code x}; the result lands in {@code x}'s
   * manager.
   *
   * @param training true for batch statistics (and their running update), false for running
   *     statistics
   */
  public abstract NDArray apply(NDArray x, boolean training);

  /** Returns the output shape for an input of shape {@code in}. */
  public abstract Shape outputShape(Shape in);

  /**
   * Returns the multiply-add FLOPs (two per multiply-accumulate) of one forward pass of one sample
   * of shape {@code in} (batch dimension included, taken as 1). Convolutions and dense layers only;
   * normalisation, activations and pooling are memory-bound and left out.
   */
  public abstract long forwardFlops(Shape in);

  @Override
  protected NDList forwardInternal(
      ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> params) {
    return new NDList(apply(inputs.singletonOrThrow(), training));
  }

  @Override
  public Shape[] getOutputShapes(Shape[] inputShapes) {
    return new Shape[] {outputShape(inputShapes[0])};
  }

  @Override
  protected void initializeChildBlocks(
      ai.djl.ndarray.NDManager manager, DataType dataType, Shape... inputShapes) {
    // Parameter shapes are fixed at construction, so children need no shape inference.
    for (Block child : getChildren().values()) {
      child.initialize(manager, dataType, inputShapes);
    }
  }

  /** Averages {@code N x C x H x W} over its spatial positions to {@code N x C}; closes x. */
  static NDArray globalAveragePool(NDArray x) {
    Shape s = x.getShape();
    NDArray flat = x.reshape(s.get(0), s.get(1), s.get(2) * s.get(3));
    NDArray pooled = flat.mean(new int[] {2});
    flat.close();
    x.close();
    return pooled;
  }

  /** Applies {@code next} to {@code x} and closes {@code x}. */
  static NDArray then(NDArray x, Layer next, boolean training) {
    NDArray y = next.apply(x, training);
    x.close();
    return y;
  }
}
