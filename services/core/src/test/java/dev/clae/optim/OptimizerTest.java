package dev.clae.optim;

import static org.junit.jupiter.api.Assertions.assertEquals;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.training.GradientCollector;
import java.util.List;
import org.junit.jupiter.api.Test;

/** One-weight updates worked out by hand, in PyTorch's formulation. */
class OptimizerTest {
  private static Parameter weight(NDManager m, float value) {
    Parameter p =
        Parameter.builder()
            .setName("w")
            .setType(Parameter.Type.WEIGHT)
            .optArray(m.create(new float[] {value}, new Shape(1)))
            .build();
    p.getArray().setRequiresGradient(true);
    return p;
  }

  /** Accumulates gradient {@code g} into w through the loss g * w. */
  private static void gradient(Parameter p, float g) {
    try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
      gc.backward(p.getArray().mul(g).sum());
    }
  }

  @Test
  void sgdWithMomentumAndWeightDecay() {
    try (NDManager m = NDManager.newBaseManager()) {
      Parameter p = weight(m, 1f);
      try (Sgd sgd = new Sgd(List.of(p), m, 0.9, 0.01)) {
        gradient(p, 0.5f);
        sgd.step(0.1);
        // d = 0.5 + 0.01 * 1 = 0.51; buf = 0.51; w = 1 - 0.1 * 0.51 = 0.949
        assertEquals(0.949, p.getArray().getFloat(0), 1e-6);
        gradient(p, 0.5f);
        sgd.step(0.1);
        // d = 0.5 + 0.01 * 0.949 = 0.50949; buf = 0.9 * 0.51 + 0.50949 = 0.96849
        // w = 0.949 - 0.096849 = 0.852151
        assertEquals(0.852151, p.getArray().getFloat(0), 1e-6);
      }
    }
  }

  @Test
  void adamFirstStepsMoveByAboutTheLearningRate() {
    try (NDManager m = NDManager.newBaseManager()) {
      Parameter p = weight(m, 1f);
      try (Adam adam = new Adam(List.of(p), m, 0)) {
        gradient(p, 0.5f);
        adam.step(0.01);
        // t = 1: m = 0.05, v = 0.00025; m / (1 - 0.9) = 0.5, sqrt(v / (1 - 0.999)) = 0.5:
        // w = 1 - 0.01 * 0.5 / (0.5 + 1e-8)
        assertEquals(1 - 0.01 * 0.5 / (0.5 + 1e-8), p.getArray().getFloat(0), 1e-6);
        gradient(p, -0.25f);
        adam.step(0.01);
        // t = 2: m = 0.9 * 0.05 - 0.025 = 0.02, v = 0.999 * 0.00025 + 0.001 * 0.0625
        double mm = 0.02;
        double v = 0.999 * 0.00025 + 0.001 * 0.0625;
        double step = 0.01 / (1 - 0.81) * mm / (Math.sqrt(v) / Math.sqrt(1 - 0.998001) + 1e-8);
        assertEquals(0.99 - step, p.getArray().getFloat(0), 1e-6);
      }
    }
  }

  @Test
  void gradientsAreZeroAfterAStep() {
    try (NDManager m = NDManager.newBaseManager()) {
      Parameter p = weight(m, 1f);
      try (Sgd sgd = new Sgd(List.of(p), m, 0, 0)) {
        gradient(p, 2f);
        sgd.step(0.1);
        NDArray g = p.getArray().getGradient();
        assertEquals(0f, g.getFloat(0), 0f);
      }
    }
  }

  @Test
  void stepScheduleDropsAtMilestones() {
    LearningRate lr = new LearningRate(0.03, List.of(120, 160, 200), 0.1);
    assertEquals(0.03, lr.at(0), 1e-12);
    assertEquals(0.03, lr.at(119), 1e-12);
    assertEquals(0.003, lr.at(120), 1e-12);
    assertEquals(0.0003, lr.at(160), 1e-12);
    assertEquals(0.00003, lr.at(300), 1e-12);
  }
}
