package dev.clae.loss;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Constant masks over the {@code 2B x 2B} similarity matrix of two stacked views: the positive
 * pairs {@code (k, p(k))} with {@code p(k) = (k + B) mod 2B}, and the diagonal.
 */
final class PairMasks {
  private static final Map<Integer, float[]> POSITIVES = new ConcurrentHashMap<>();

  private PairMasks() {}

  /** Returns the {@code 2B x 2B} positive-pair mask. */
  static NDArray positives(NDManager m, int b) {
    float[] mask = POSITIVES.computeIfAbsent(b, PairMasks::positiveMask);
    return m.create(mask, new Shape(2L * b, 2L * b));
  }

  private static float[] positiveMask(int b) {
    int n = 2 * b;
    float[] mask = new float[n * n];
    for (int k = 0; k < n; k++) {
      mask[k * n + (k + b) % n] = 1f;
    }
    return mask;
  }
}
