package dev.clae.loss;

import ai.djl.ndarray.NDArray;

/**
 * A contrastive loss over two views of a batch. Row {@code k} of {@code z1} and row {@code k} of
 * {@code z2} are the two views of image {@code k} (a positive pair); every other row is a negative.
 * Both inputs are L2-normalised {@code B x d} embeddings.
 */
public interface ContrastiveLoss {
  /** Returns the scalar loss; the result lands in {@code z1}'s manager. */
  NDArray compute(NDArray z1, NDArray z2);

  /** Returns the temperature dividing the cosine similarities. */
  double temperature();

  /** Returns the method's name, as in the {@code method} key. */
  String name();
}
