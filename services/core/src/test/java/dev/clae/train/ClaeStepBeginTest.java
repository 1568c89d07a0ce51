package dev.clae.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.clae.config.ClaeConfig;
import dev.clae.encoder.BnBranch;
import dev.clae.encoder.ContrastiveNet;
import dev.clae.encoder.DualBatchNorm;
import dev.clae.encoder.Networks;
import dev.clae.loss.Losses;
import dev.clae.optim.Optimizers;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * A step split in two, as the pipeline's trainer runs it when the adversarial view comes from
 * elsewhere: {@code begin} (the clean views' forward passes) then {@code finish} (the adversarial
 * pass, backward, update) must train exactly as {@link ClaeStep#train} does, whatever the engine's
 * thread count during {@code begin}; an abandoned step must leave no trace.
 */
class ClaeStepBeginTest {
  private static final ClaeConfig CONFIG =
      ClaeConfig.builder().set("encoder.name", "convnet").set("encoder.width", "0.25").build();
  private static final Shape IMAGE = new Shape(1, 12, 12);
  private static final int B = 8;

  /** A network, its optimiser and its step, all from one seed. */
  private static ClaeStep newStep(NDManager m) {
    Engine.getInstance().setRandomSeed(5);
    ContrastiveNet net = Networks.create(CONFIG, IMAGE, m);
    return new ClaeStep(
        net,
        Losses.create(CONFIG),
        null,
        1.0,
        Optimizers.create(CONFIG, net.trainableParameters(), m));
  }

  private static float[] views(int seed) {
    Random r = new Random(seed);
    float[] v = new float[B * 144];
    for (int i = 0; i < v.length; i++) {
      v[i] = (float) r.nextGaussian();
    }
    return v;
  }

  private static NDArray array(NDManager m, float[] v) {
    return m.create(v, new Shape(B, 1, 12, 12));
  }

  @Test
  void beginThenFinishTrainsBitForBitAsOneCall() {
    try (NDManager m = NDManager.newBaseManager()) {
      ClaeStep whole = newStep(m);
      ClaeStep split = newStep(m);
      for (int s = 0; s < 3; s++) {
        float[] v1 = views(3 * s);
        float[] v2 = views(3 * s + 1);
        NDArray adv = array(m, views(3 * s + 2));
        StepResult a = whole.train(array(m, v1), array(m, v2), adv, 1e-2);
        StepResult b;
        try (ClaeStep.Begun begun = split.begin(array(m, v1), array(m, v2))) {
          b = begun.finish(adv, 1e-2);
        }
        assertEquals(a.loss(), b.loss(), 0.0, "loss of step " + s);
        assertEquals(a.advLoss(), b.advLoss(), 0.0, "adversarial loss of step " + s);
      }
      assertArrayEquals(whole.net().saveWeights(), split.net().saveWeights());
    }
  }

  @Test
  void theCleanHalfGivesTheSameBitsAtAnyThreadCount() {
    int before = EngineSetup.intraOpThreads();
    try (NDManager m = NDManager.newBaseManager()) {
      ClaeStep one = newStep(m);
      ClaeStep two = newStep(m);
      float[] v1 = views(11);
      float[] v2 = views(12);
      NDArray adv = array(m, views(13));
      StepResult a;
      EngineSetup.intraOpThreads(1);
      try (ClaeStep.Begun begun = one.begin(array(m, v1), array(m, v2))) {
        EngineSetup.intraOpThreads(before);
        a = begun.finish(adv, 1e-2);
      }
      EngineSetup.intraOpThreads(2);
      StepResult b;
      try (ClaeStep.Begun begun = two.begin(array(m, v1), array(m, v2))) {
        EngineSetup.intraOpThreads(before);
        b = begun.finish(adv, 1e-2);
      }
      assertEquals(a.cleanLoss(), b.cleanLoss(), 0.0);
      assertEquals(a.loss(), b.loss(), 0.0);
      assertArrayEquals(one.net().saveWeights(), two.net().saveWeights());
    } finally {
      EngineSetup.intraOpThreads(before);
    }
  }

  @Test
  void anAbandonedStepChangesNothing() {
    try (NDManager m = NDManager.newBaseManager()) {
      ClaeStep step = newStep(m);
      byte[] weights = step.net().saveWeights();
      float[] mean0 = firstCleanMean(step.net());
      try (ClaeStep.Begun begun = step.begin(array(m, views(1)), array(m, views(2)))) {
        // The forward passes moved the running statistics; closing must put them back.
        assertFalse(
            java.util.Arrays.equals(mean0, firstCleanMean(step.net())),
            "the clean forward passes should move the running mean");
      }
      assertArrayEquals(mean0, firstCleanMean(step.net()));
      assertArrayEquals(weights, step.net().saveWeights());
      assertEquals(0, step.optimizer().steps());
      // The engine is free again: a new step can begin and finish.
      ClaeStep.Begun again = step.begin(array(m, views(1)), array(m, views(2)));
      again.finish(array(m, views(3)), 1e-2);
      assertThrows(IllegalStateException.class, () -> again.finish(array(m, views(3)), 1e-2));
      assertEquals(1, step.optimizer().steps());
    }
  }

  private static float[] firstCleanMean(ContrastiveNet net) {
    DualBatchNorm bn = net.batchNorms().get(0);
    return bn.state(BnBranch.CLEAN)[2].toFloatArray();
  }
}
