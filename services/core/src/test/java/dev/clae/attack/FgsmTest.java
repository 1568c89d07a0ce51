package dev.clae.attack;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.training.GradientCollector;
import dev.clae.TestArrays;
import dev.clae.config.ClaeConfig;
import dev.clae.encoder.BnBranch;
import dev.clae.encoder.ContrastiveNet;
import dev.clae.encoder.Networks;
import dev.clae.loss.ContrastiveLoss;
import dev.clae.loss.NtXentLoss;
import java.util.Random;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The FGSM step: gradient sign, eps scaling, and no gradient through the perturbation. */
class FgsmTest {
  private static final Shape IMAGE = new Shape(1, 12, 12);
  private static final int BATCH = 8;

  private NDManager m;
  private ContrastiveNet net;
  private final ContrastiveLoss loss = new NtXentLoss(0.5);

  @BeforeEach
  void open() {
    m = NDManager.newBaseManager();
    Engine.getInstance().setRandomSeed(3);
    ClaeConfig c =
        ClaeConfig.builder().set("encoder.name", "convnet").set("encoder.width", "0.25").build();
    net = Networks.create(c, IMAGE, m);
  }

  @AfterEach
  void close() {
    m.close();
  }

  private NDArray anchor(long seed) {
    return m.create(TestArrays.gaussian(BATCH * 144, seed), new Shape(BATCH, 1, 12, 12));
  }

  /** The reference's two-pass gradient: z_a = f_adv(x) and z' = f_adv(x') computed apart. */
  private float[] referenceGradient(NDArray x) {
    try (NDManager s = m.newSubManager()) {
      NDArray probe = x.duplicate();
      probe.attach(s);
      probe.setRequiresGradient(true);
      try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
        NDArray za = net.embed(x, BnBranch.ADVERSARIAL, true);
        NDArray zp = net.embed(probe, BnBranch.ADVERSARIAL, true);
        gc.backward(loss.compute(za, zp));
      }
      float[] g = probe.getGradient().toFloatArray();
      for (Parameter p : net.trainableParameters()) {
        NDArray grad = p.getArray().getGradient();
        grad.subi(grad);
        grad.close();
      }
      return g;
    }
  }

  @Test
  void stepIsEpsTimesSignOfTheReferenceGradient() {
    NDArray x = anchor(1);
    float[] g = referenceGradient(x);
    float eps = 0.03f;
    float[] delta = new Fgsm(eps).perturb(net, loss, x).sub(x).toFloatArray();
    int nonZero = 0;
    for (int i = 0; i < g.length; i++) {
      float expected = g[i] > 0 ? eps : (g[i] < 0 ? -eps : 0);
      assertEquals(expected, delta[i], 1e-6, "pixel " + i + " gradient " + g[i]);
      if (g[i] != 0) {
        nonZero++;
      }
    }
    assertTrue(
        nonZero > g.length * 0.9,
        "gradient is zero at " + (g.length - nonZero) + " of " + g.length + " pixels");
  }

  @Test
  void stepScalesLinearlyWithEps() {
    NDArray x = anchor(2);
    float[] small = new Fgsm(0.01).perturb(net, loss, x).sub(x).toFloatArray();
    float[] large = new Fgsm(0.05).perturb(net, loss, x).sub(x).toFloatArray();
    for (int i = 0; i < small.length; i++) {
      assertEquals(5 * small[i], large[i], 1e-6);
      assertEquals(0.01, Math.abs(small[i]), 1e-6);
    }
  }

  @Test
  void perturbationCarriesNoGradientAndLeavesNoWeightGradients() {
    NDArray x = anchor(3);
    NDArray adv = new Fgsm(0.03).perturb(net, loss, x);
    assertFalse(adv.hasGradient(), "x_adv must be a constant");
    for (Parameter p : net.trainableParameters()) {
      assertTrue(p.getArray().hasGradient(), p.getName() + " must require gradients again");
      float max = p.getArray().getGradient().abs().max().getFloat();
      assertEquals(0f, max, 0f, p.getName() + " kept a gradient from the attack");
    }
    // A loss on x_adv sends gradients to the weights only: x, which x_adv was made from,
    // does not require gradients, and its would-be gradient stays undefined.
    x.setRequiresGradient(true);
    NDArray adv2 = new Fgsm(0.03).perturb(net, loss, x.stopGradient());
    try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
      NDArray z1 = net.embed(x, BnBranch.CLEAN, true);
      NDArray z2 = net.embed(adv2, BnBranch.ADVERSARIAL, true);
      gc.backward(loss.compute(z1.stopGradient(), z2));
    }
    assertEquals(0f, x.getGradient().abs().max().getFloat(), 0f);
  }

  @Test
  void adversarialStepRaisesLossFarMoreThanRandomSignStep() {
    float eps = 0.03f;
    NDArray x = anchor(4);
    NDArray adv = new Fgsm(eps).perturb(net, loss, x);
    NDArray zAnchor = net.embed(x, BnBranch.ADVERSARIAL, true);
    double base = loss.compute(zAnchor, zAnchor).getFloat();
    double adversarial =
        loss.compute(zAnchor, net.embed(adv, BnBranch.ADVERSARIAL, true)).getFloat();
    Random r = new Random(11);
    double randomRise = 0;
    int draws = 5;
    for (int d = 0; d < draws; d++) {
      float[] sign = new float[BATCH * 144];
      for (int i = 0; i < sign.length; i++) {
        sign[i] = r.nextBoolean() ? eps : -eps;
      }
      NDArray noisy = x.add(m.create(sign, x.getShape()));
      randomRise +=
          loss.compute(zAnchor, net.embed(noisy, BnBranch.ADVERSARIAL, true)).getFloat() - base;
    }
    randomRise /= draws;
    double adversarialRise = adversarial - base;
    assertTrue(adversarialRise > 0, "FGSM lowered the loss: " + adversarialRise);
    assertTrue(
        adversarialRise > 5 * Math.max(randomRise, 0),
        "FGSM raised the loss by " + adversarialRise + ", random signs by " + randomRise);
  }
}
