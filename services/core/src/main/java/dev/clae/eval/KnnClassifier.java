package dev.clae.eval;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;

/**
 * Weighted k-nearest-neighbour classification on L2-normalised features (Wu et al. 2018, as the
 * CLAE reference evaluates): each of the {@code k} training rows most cosine-similar to a test row
 * votes for its class with weight {@code exp(sim / T)}; the class with the largest summed weight
 * wins. Reference: {@code k = 200}, {@code T} the method's temperature.
 */
public final class KnnClassifier {
  private static final int CHUNK = 256;

  private final int k;
  private final double temperature;

  /** Creates the classifier. */
  public KnnClassifier(int k, double temperature) {
    this.k = k;
    this.temperature = temperature;
  }

  /**
   * Returns the top-1 accuracy on {@code test}, fraction in [0, 1].
   *
   * @throws IllegalArgumentException when the feature sizes differ
   */
  public double accuracy(FeatureSet train, FeatureSet test, NDManager manager) {
    if (train.dim() != test.dim()) {
      throw new IllegalArgumentException(
          "train features have " + train.dim() + " columns, test " + test.dim());
    }
    int kk = Math.min(k, train.size());
    int correct = 0;
    try (NDManager scope = manager.newSubManager()) {
      NDArray bank = normalised(scope, train);
      NDArray bankT = bank.transpose();
      for (int start = 0; start < test.size(); start += CHUNK) {
        int rows = Math.min(CHUNK, test.size() - start);
        try (NDManager chunk = scope.newSubManager()) {
          float[] q = new float[rows * test.dim()];
          System.arraycopy(test.values(), start * test.dim(), q, 0, q.length);
          NDArray query = chunk.create(q, new Shape(rows, test.dim())).normalize(2, 1, 1e-12);
          NDList top = query.matMul(bankT).topK(kk, 1, true, false);
          float[] sims = top.get(0).toFloatArray();
          long[] idx = top.get(1).toLongArray();
          for (int r = 0; r < rows; r++) {
            if (vote(sims, idx, r * kk, kk, train) == test.labels()[start + r]) {
              correct++;
            }
          }
        }
      }
    }
    return test.size() == 0 ? 0 : correct / (double) test.size();
  }

  private int vote(float[] sims, long[] idx, int off, int kk, FeatureSet train) {
    double[] score = new double[train.numClasses()];
    for (int j = 0; j < kk; j++) {
      score[train.labels()[(int) idx[off + j]]] += Math.exp(sims[off + j] / temperature);
    }
    int best = 0;
    for (int c = 1; c < score.length; c++) {
      if (score[c] > score[best]) {
        best = c;
      }
    }
    return best;
  }

  private static NDArray normalised(NDManager m, FeatureSet f) {
    return m.create(f.values(), new Shape(f.size(), f.dim())).normalize(2, 1, 1e-12);
  }
}
