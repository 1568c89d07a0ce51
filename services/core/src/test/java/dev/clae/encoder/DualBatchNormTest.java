package dev.clae.encoder;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import dev.clae.config.ClaeConfig;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The two batch-norm copies keep separate statistics with their own momentum. */
class DualBatchNormTest {
  private NDManager m;
  private BranchSwitch sw;
  private DualBatchNorm bn;

  @BeforeEach
  void open() {
    m = NDManager.newBaseManager();
    sw = new BranchSwitch();
    bn = new DualBatchNorm(2, sw, 0.1, 0.01, true);
    bn.initialize(m, DataType.FLOAT32, new Shape(1, 2, 1, 2));
  }

  @AfterEach
  void close() {
    m.close();
  }

  /**
   * Batch of 2 images, 2 channels, 1x2 pixels. Channel 0 holds 1, 3, 5, 7 (mean 4, unbiased
   * variance 20/3); channel 1 holds 2, 2, 2, 2 (mean 2, variance 0).
   */
  private NDArray batch() {
    float[] v = {1, 3, 2, 2, 5, 7, 2, 2};
    return m.create(v, new Shape(2, 2, 1, 2));
  }

  @Test
  void cleanPassUpdatesOnlyCleanStatisticsWithMomentumPointOne() {
    sw.select(BnBranch.CLEAN);
    bn.apply(batch(), true);
    // PyTorch convention: running = 0.9 * running + 0.1 * batch statistic.
    assertArrayEquals(new float[] {0.4f, 0.2f}, stat(BnBranch.CLEAN, 2), 1e-6f);
    assertArrayEquals(new float[] {0.9f + 0.1f * 20 / 3, 0.9f}, stat(BnBranch.CLEAN, 3), 1e-5f);
    assertArrayEquals(new float[] {0, 0}, stat(BnBranch.ADVERSARIAL, 2), 0f);
    assertArrayEquals(new float[] {1, 1}, stat(BnBranch.ADVERSARIAL, 3), 0f);
  }

  @Test
  void adversarialPassUpdatesOnlyAdversarialStatisticsWithMomentumPointZeroOne() {
    sw.select(BnBranch.ADVERSARIAL);
    bn.apply(batch(), true);
    assertArrayEquals(new float[] {0.04f, 0.02f}, stat(BnBranch.ADVERSARIAL, 2), 1e-6f);
    assertArrayEquals(
        new float[] {0.99f + 0.01f * 20 / 3, 0.99f}, stat(BnBranch.ADVERSARIAL, 3), 1e-5f);
    assertArrayEquals(new float[] {0, 0}, stat(BnBranch.CLEAN, 2), 0f);
    assertArrayEquals(new float[] {1, 1}, stat(BnBranch.CLEAN, 3), 0f);
  }

  @Test
  void trainingModeNormalisesWithBatchStatistics() {
    sw.select(BnBranch.CLEAN);
    float[] y = bn.apply(batch(), true).toFloatArray();
    // Channel 0: biased variance 5, so (1 - 4) / sqrt(5 + 1e-5) = -1.3416...
    assertEquals(-3 / Math.sqrt(5 + 1e-5), y[0], 1e-5);
    assertEquals(3 / Math.sqrt(5 + 1e-5), y[5], 1e-5);
    assertEquals(0, y[2], 1e-6);
  }

  @Test
  void evaluationUsesRunningStatistics() {
    sw.select(BnBranch.CLEAN);
    bn.apply(batch(), true);
    float[] y = bn.apply(batch(), false).toFloatArray();
    double mean = 0.4;
    double var = 0.9 + 0.1 * 20 / 3.0;
    assertEquals((1 - mean) / Math.sqrt(var + 1e-5), y[0], 1e-5);
  }

  @Test
  void networkEvaluationPassesUseTheCleanBranch() {
    ClaeConfig c =
        ClaeConfig.builder().set("encoder.name", "convnet").set("encoder.width", "0.125").build();
    ContrastiveNet net = Networks.create(c, new Shape(1, 8, 8), m);
    NDArray x = m.randomNormal(new Shape(4, 1, 8, 8));
    float[] before = net.evalOutputs(x)[1].toFloatArray();
    // Train-mode passes through the adversarial branch change only adversarial statistics,
    // so clean evaluation is unaffected; a clean train-mode pass does change it.
    net.embed(x.mul(3).add(1), BnBranch.ADVERSARIAL, true);
    assertArrayEquals(before, net.evalOutputs(x)[1].toFloatArray(), 1e-6f);
    net.embed(x.mul(3).add(1), BnBranch.CLEAN, true);
    float[] after = net.evalOutputs(x)[1].toFloatArray();
    assertNotClose(before, after);
  }

  @Test
  void singleBranchRefusesAdversarialPasses() {
    DualBatchNorm single = new DualBatchNorm(2, sw, 0.1, 0.01, false);
    single.initialize(m, DataType.FLOAT32, new Shape(1, 2, 1, 2));
    sw.select(BnBranch.ADVERSARIAL);
    IllegalStateException e =
        assertThrows(IllegalStateException.class, () -> single.apply(batch(), true));
    assertEquals(true, e.getMessage().contains("adversarial.enabled=false"));
  }

  private float[] stat(BnBranch b, int which) {
    return bn.state(b)[which].toFloatArray();
  }

  private static void assertNotClose(float[] a, float[] b) {
    double diff = 0;
    for (int i = 0; i < a.length; i++) {
      diff = Math.max(diff, Math.abs(a[i] - b[i]));
    }
    assertEquals(true, diff > 1e-3, "outputs did not change: max difference " + diff);
  }
}
