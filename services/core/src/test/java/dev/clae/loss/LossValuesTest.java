package dev.clae.loss;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import dev.clae.GcPressure;
import dev.clae.TestArrays;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Each loss against values worked out by hand on a two-image batch, and against a direct
 * double-precision transcription of its formula on random embeddings.
 */
class LossValuesTest {
  private static final double E = Math.E;
  private NDManager m;

  @BeforeEach
  void open() {
    m = NDManager.newBaseManager();
  }

  @AfterEach
  void close() {
    m.close();
  }

  /** Two images whose views coincide: z1 = z2 = [(1,0), (0,1)]. */
  private NDArray[] orthogonalPairs() {
    NDArray z = m.create(new float[] {1, 0, 0, 1}, new Shape(2, 2));
    return new NDArray[] {z, z.duplicate()};
  }

  @Test
  void ntXentOnOrthogonalPairsByHand() {
    NDArray[] z = orthogonalPairs();
    // Each row: partner similarity 1, the two other rows 0 (self excluded), T = 1:
    // l = -log(e / (e + 1 + 1)) = log(1 + 2/e), the same for all four rows.
    double expected = Math.log(1 + 2 / E);
    assertEquals(0.5514447, expected, 1e-7);
    assertEquals(expected, new NtXentLoss(1).compute(z[0], z[1]).getFloat(), 1e-6);
    // With T = 0.5 the similarities double: l = log(1 + 2 / e^2).
    assertEquals(
        Math.log(1 + 2 / (E * E)), new NtXentLoss(0.5).compute(z[0], z[1]).getFloat(), 1e-6);
  }

  @Test
  void batchCriterionOnOrthogonalPairsByHand() {
    NDArray[] z = orthogonalPairs();
    // Row 0 against rows 1, 2, 3: similarities 0, 1 (partner), 0; D = 2 + e.
    // P = e / (2 + e); the two negatives have Q = 1 / (2 + e), so log(1 - Q) = log((1+e)/(2+e)).
    double perRow = Math.log(E / (2 + E)) + 2 * Math.log((1 + E) / (2 + E));
    assertEquals(1.0278108, -perRow, 1e-6);
    assertEquals(-perRow, new BatchCriterionLoss(1).compute(z[0], z[1]).getFloat(), 1e-6);
  }

  @Test
  void plainOnOrthogonalPairsByHand() {
    NDArray[] z = orthogonalPairs();
    // Row 0 of the 2x2 cross-view matrix is (1, 0): l = -log(e / (e + 1)) = log(1 + 1/e).
    double expected = Math.log(1 + 1 / E);
    assertEquals(0.3132617, expected, 1e-7);
    assertEquals(expected, new PlainInfoNceLoss(1).compute(z[0], z[1]).getFloat(), 1e-6);
  }

  @Test
  void ntXentMatchesFormulaOnRandomEmbeddings() {
    int b = 6;
    int d = 5;
    double t = 0.5;
    NDArray z1 = TestArrays.unitRows(m, b, d, 1);
    NDArray z2 = TestArrays.unitRows(m, b, d, 2);
    float[] z = z1.concat(z2, 0).toFloatArray();
    double total = 0;
    for (int k = 0; k < 2 * b; k++) {
      double denominator = 0;
      for (int j = 0; j < 2 * b; j++) {
        if (j != k) {
          denominator += Math.exp(sim(z, d, k, j) / t);
        }
      }
      total -= Math.log(Math.exp(sim(z, d, k, (k + b) % (2 * b)) / t) / denominator);
    }
    assertEquals(total / (2 * b), new NtXentLoss(t).compute(z1, z2).getFloat(), 1e-5);
  }

  @Test
  void batchCriterionMatchesFormulaOnRandomEmbeddings() {
    int b = 5;
    int d = 4;
    double t = 0.1;
    NDArray z1 = TestArrays.unitRows(m, b, d, 3);
    NDArray z2 = TestArrays.unitRows(m, b, d, 4);
    float[] z = z1.concat(z2, 0).toFloatArray();
    int n = 2 * b;
    double total = 0;
    for (int k = 0; k < n; k++) {
      int p = (k + b) % n;
      double denominator = 0;
      for (int j = 0; j < n; j++) {
        if (j != k) {
          denominator += Math.exp(sim(z, d, k, j) / t);
        }
      }
      total += Math.log(Math.exp(sim(z, d, k, p) / t) / denominator);
      for (int j = 0; j < n; j++) {
        if (j != k && j != p) {
          total += Math.log(1 - Math.exp(sim(z, d, k, j) / t) / denominator);
        }
      }
    }
    assertEquals(-total / n, new BatchCriterionLoss(t).compute(z1, z2).getFloat(), 1e-4);
  }

  @Test
  void plainMatchesFormulaOnRandomEmbeddings() {
    int b = 7;
    int d = 3;
    double t = 0.1;
    NDArray z1 = TestArrays.unitRows(m, b, d, 5);
    NDArray z2 = TestArrays.unitRows(m, b, d, 6);
    float[] a = z1.toFloatArray();
    float[] c = z2.toFloatArray();
    double total = 0;
    for (int k = 0; k < b; k++) {
      double denominator = 0;
      for (int j = 0; j < b; j++) {
        denominator +=
            Math.exp(TestArrays.dot(TestArrays.row(a, d, k), TestArrays.row(c, d, j)) / t);
      }
      double pos = TestArrays.dot(TestArrays.row(a, d, k), TestArrays.row(c, d, k)) / t;
      total -= pos - Math.log(denominator);
    }
    assertEquals(total / b, new PlainInfoNceLoss(t).compute(z1, z2).getFloat(), 1e-5);
  }

  @Test
  void batchCriterionGradientReachesEachRowOnlyThroughItsOwnTerms() {
    int b = 3;
    int d = 4;
    double t = 0.5;
    int n = 2 * b;
    NDArray z1 = TestArrays.unitRows(m, b, d, 7);
    NDArray z2 = TestArrays.unitRows(m, b, d, 8);
    z1.setRequiresGradient(true);
    z2.setRequiresGradient(true);
    try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
      gc.backward(new BatchCriterionLoss(t).compute(z1, z2));
    }
    float[] grad = z1.getGradient().concat(z2.getGradient(), 0).toFloatArray();
    float[] z = z1.concat(z2, 0).toFloatArray();
    // With every second factor detached, dL/dz_k = -(1/n) d l_k / dz_k, where l_k is row k's
    // own term with all other rows held fixed. Central differences of l_k in double precision:
    double h = 1e-4;
    for (int k = 0; k < n; k++) {
      for (int c = 0; c < d; c++) {
        double[] plus = TestArrays.row(z, d, k);
        double[] minus = plus.clone();
        plus[c] += h;
        minus[c] -= h;
        double numeric =
            -(rowTerm(z, d, k, plus, b, t) - rowTerm(z, d, k, minus, b, t)) / (2 * h) / n;
        assertEquals(numeric, grad[k * d + c], 1e-4, "row " + k + " column " + c);
      }
    }
  }

  /** Row k's term log P_k + sum log(1 - Q_km), with row k replaced by {@code zk}. */
  private static double rowTerm(float[] z, int d, int k, double[] zk, int b, double t) {
    int n = 2 * b;
    int p = (k + b) % n;
    double denominator = 0;
    for (int j = 0; j < n; j++) {
      if (j != k) {
        denominator += Math.exp(TestArrays.dot(zk, TestArrays.row(z, d, j)) / t);
      }
    }
    double term = Math.log(Math.exp(TestArrays.dot(zk, TestArrays.row(z, d, p)) / t) / denominator);
    for (int j = 0; j < n; j++) {
      if (j != k && j != p) {
        double q = Math.exp(TestArrays.dot(zk, TestArrays.row(z, d, j)) / t) / denominator;
        term += Math.log(1 - q);
      }
    }
    return term;
  }

  private static double sim(float[] z, int d, int i, int j) {
    return TestArrays.dot(TestArrays.row(z, d, i), TestArrays.row(z, d, j));
  }

  /** Returns the gradients of a loss with respect to both views, optionally collecting first. */
  private float[][] gradients(ContrastiveLoss loss, boolean collect) throws InterruptedException {
    try (NDManager s = m.newSubManager()) {
      NDArray z1 = TestArrays.unitRows(s, 6, 5, 11);
      NDArray z2 = TestArrays.unitRows(s, 6, 5, 12);
      z1.setRequiresGradient(true);
      z2.setRequiresGradient(true);
      try (GradientCollector c = Engine.getInstance().newGradientCollector()) {
        NDArray value = loss.compute(z1, z2);
        if (collect) {
          GcPressure.collectAndReuse();
        }
        c.backward(value);
      }
      return new float[][] {z1.getGradient().toFloatArray(), z2.getGradient().toFloatArray()};
    }
  }

  @Test
  void gradientsDoNotDependOnACollectionBeforeBackward() throws InterruptedException {
    // The losses' constants (temperature, batch size) must stay alive in the graph however the
    // JVM's collector runs; the same computation twice must give the same bits.
    for (ContrastiveLoss loss :
        new ContrastiveLoss[] {
          new NtXentLoss(0.5), new BatchCriterionLoss(0.1), new PlainInfoNceLoss(0.2)
        }) {
      float[][] plain = gradients(loss, false);
      for (int round = 0; round < 2; round++) {
        float[][] collected = gradients(loss, true);
        assertArrayEquals(plain[0], collected[0], loss.name() + ": gradient of z1");
        assertArrayEquals(plain[1], collected[1], loss.name() + ": gradient of z2");
      }
      double norm = 0;
      for (float g : plain[0]) {
        norm += g * g;
      }
      assertTrue(norm > 1e-6, loss.name() + ": the gradient must not vanish, |g|^2 = " + norm);
    }
  }
}
