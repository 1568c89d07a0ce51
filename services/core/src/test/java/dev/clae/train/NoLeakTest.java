package dev.clae.train;

import static org.junit.jupiter.api.Assertions.assertEquals;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.clae.TestArrays;
import dev.clae.attack.Fgsm;
import dev.clae.config.ClaeConfig;
import dev.clae.encoder.ContrastiveNet;
import dev.clae.encoder.Networks;
import dev.clae.loss.Losses;
import dev.clae.optim.Optimizers;
import org.junit.jupiter.api.Test;

/** Every array a training step creates is released when the step ends. */
class NoLeakTest {
  @Test
  void arrayCountStaysFlatOverManySteps() {
    Engine.getInstance().setRandomSeed(5);
    for (String method : new String[] {"simclr", "uel", "plain"}) {
      ClaeConfig c =
          ClaeConfig.builder()
              .set("method", method)
              .set("encoder.name", "convnet")
              .set("encoder.width", "0.125")
              .build();
      try (NDManager m = NDManager.newBaseManager()) {
        ContrastiveNet net = Networks.create(c, new Shape(1, 8, 8), m);
        ClaeStep step =
            new ClaeStep(
                net,
                Losses.create(c),
                new Fgsm(0.03),
                1,
                Optimizers.create(c, net.trainableParameters(), m));
        float[] a = TestArrays.gaussian(8 * 64, 1);
        float[] b = TestArrays.gaussian(8 * 64, 2);
        long[] shape = {8, 1, 8, 8};
        for (int i = 0; i < 3; i++) {
          step.run(m, a, b, shape, 1e-3);
        }
        int after3 = m.getManagedArrays().size();
        for (int i = 0; i < 40; i++) {
          step.run(m, a, b, shape, 1e-3);
        }
        assertEquals(after3, m.getManagedArrays().size(), method + ": arrays leaked");
      }
    }
  }
}
