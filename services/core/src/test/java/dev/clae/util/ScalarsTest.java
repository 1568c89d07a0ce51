package dev.clae.util;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import dev.clae.GcPressure;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

/**
 * The gradient through an array-with-number operation must not depend on a garbage collection
 * between the forward and the backward pass (DJL's own {@code div(Number)} fails this: its scalar
 * lives in a direct buffer the collector frees while the graph still reads it).
 */
class ScalarsTest {
  /** Returns d sum(op(w)) / dw at w = (1, 2, 3, 4), with a collection before backward. */
  private static float[] gradient(Function<NDArray, NDArray> op) throws InterruptedException {
    try (NDManager m = NDManager.newBaseManager()) {
      NDArray w = m.arange(1f, 5f);
      w.setRequiresGradient(true);
      try (GradientCollector c = Engine.getInstance().newGradientCollector()) {
        NDArray y = op.apply(w).sum();
        GcPressure.collectAndReuse();
        c.backward(y);
      }
      return w.getGradient().toFloatArray();
    }
  }

  @Test
  void quotientGradientSurvivesCollection() throws InterruptedException {
    for (int round = 0; round < 3; round++) {
      assertArrayEquals(new float[] {0.25f, 0.25f, 0.25f, 0.25f}, gradient(w -> Scalars.div(w, 4)));
    }
  }

  @Test
  void productGradientSurvivesCollection() throws InterruptedException {
    for (int round = 0; round < 3; round++) {
      assertArrayEquals(new float[] {-3f, -3f, -3f, -3f}, gradient(w -> Scalars.mul(w, -3)));
    }
  }

  @Test
  void valuesAreExact() {
    try (NDManager m = NDManager.newBaseManager()) {
      NDArray x = m.create(new float[] {1, -2, 8}, new Shape(3));
      assertArrayEquals(new float[] {0.5f, -1f, 4f}, Scalars.div(x, 2).toFloatArray());
      assertArrayEquals(new float[] {3f, -6f, 24f}, Scalars.mul(x, 3).toFloatArray());
      assertArrayEquals(new float[] {1.5f, -1.5f, 8.5f}, Scalars.add(x, 0.5).toFloatArray());
      Scalars.addi(Scalars.divi(Scalars.muli(x, 4), 2), -1);
      assertArrayEquals(new float[] {1f, -5f, 15f}, x.toFloatArray());
    }
  }
}
