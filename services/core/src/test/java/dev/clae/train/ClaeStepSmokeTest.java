package dev.clae.train;

import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.clae.attack.Fgsm;
import dev.clae.config.ClaeConfig;
import dev.clae.encoder.ContrastiveNet;
import dev.clae.encoder.Networks;
import dev.clae.loss.Losses;
import dev.clae.optim.Optimizer;
import dev.clae.optim.Optimizers;
import java.util.Random;
import org.junit.jupiter.api.Test;

class ClaeStepSmokeTest {
  @Test
  void lossGoesDownOnRepeatedBatch() {
    Engine.getInstance().setRandomSeed(1);
    ClaeConfig c =
        ClaeConfig.builder().set("encoder.name", "convnet").set("encoder.width", "0.25").build();
    try (NDManager m = NDManager.newBaseManager()) {
      ContrastiveNet net = Networks.create(c, new Shape(1, 16, 16), m);
      Optimizer opt = Optimizers.create(c, net.trainableParameters(), m);
      ClaeStep step = new ClaeStep(net, Losses.create(c), new Fgsm(0.03), 1.0, opt);
      Random r = new Random(0);
      int b = 16;
      float[] v1 = new float[b * 256];
      float[] v2 = new float[b * 256];
      for (int i = 0; i < v1.length; i++) {
        v1[i] = (float) r.nextGaussian();
        v2[i] = v1[i] + 0.1f * (float) r.nextGaussian();
      }
      long[] shape = {b, 1, 16, 16};
      double first = step.run(m, v1, v2, shape, 1e-3).loss();
      double last = first;
      for (int i = 0; i < 20; i++) {
        last = step.run(m, v1, v2, shape, 1e-3).loss();
      }
      System.out.println("first " + first + " last " + last);
      assertTrue(last < first, "loss " + first + " -> " + last);
    }
  }
}
