package dev.clae.loss;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;

/**
 * Constant masks over the {@code 2B x 2B} similarity matrix of two stacked views: the positive
 * pairs {@code (k, p(k))} with {@code p(k) = (k + B) mod 2B}. Built by the engine ({@code [[0, I],
 * [I, 0]]}), so no host buffer is allocated a step.
 */
final class PairMasks {
  private PairMasks() {}

  /** Returns the {@code 2B x 2B} positive-pair mask. */
  static NDArray positives(NDManager m, int b) {
    NDArray eye = m.eye(b);
    NDArray zero = m.zeros(eye.getShape());
    NDArray top = zero.concat(eye, 1);
    NDArray bottom = eye.concat(zero, 1);
    NDArray mask = top.concat(bottom, 0);
    for (NDArray a : new NDArray[] {eye, zero, top, bottom}) {
      a.close();
    }
    return mask;
  }
}
