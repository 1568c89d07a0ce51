package dev.clae.attack;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.training.GradientCollector;
import dev.clae.encoder.BnBranch;
import dev.clae.encoder.ContrastiveNet;
import dev.clae.loss.ContrastiveLoss;
import dev.clae.util.Scalars;

/**
 * The CLAE adversarial view: one FGSM step (Goodfellow et al. 2015) on a copy of the anchor view
 * that maximises the contrastive loss of the whole batch (Ho and Vasconcelos 2020),
 *
 * <pre>
 *   x_adv = x + eps * sign( d L(f_adv(x), f_adv(x')) / d x' ) at x' = x,
 * </pre>
 *
 * where {@code f_adv} is the network through its adversarial batch norms in training mode (which
 * also updates their running statistics). There is no random start, projection or clamp, and {@code
 * eps} is in normalised input units. The result is a constant: no gradient flows through the
 * perturbation.
 *
 * <p>Two cost savings leave the step's result unchanged. The anchor's embedding {@code f_adv(x)} is
 * the same forward pass as the copy's at {@code x' = x}, so it is computed once and detached; the
 * reference computes it twice, which only updates the adversarial running statistics twice with the
 * same batch. And the weights stop requiring gradients during the attack, so backward computes the
 * input gradient alone.
 */
public final class Fgsm {
  private final double eps;

  /** Creates the attack with step size {@code eps} (reference: 0.03). */
  public Fgsm(double eps) {
    if (!(eps >= 0)) {
      throw new IllegalArgumentException("adversarial.eps must be >= 0, got " + eps);
    }
    this.eps = eps;
  }

  /** Returns the step size. */
  public double eps() {
    return eps;
  }

  /**
   * Returns the adversarial version of {@code anchor}, in {@code anchor}'s manager.
   *
   * @param net the network; its adversarial batch norms are used and updated
   * @param loss the method's contrastive loss
   * @param anchor the normalised anchor views, {@code B x C x H x W}
   */
  public NDArray perturb(ContrastiveNet net, ContrastiveLoss loss, NDArray anchor) {
    NDArray direction = gradientSign(net, loss, anchor);
    NDArray adversarial = anchor.add(Scalars.muli(direction, eps));
    direction.close();
    return adversarial;
  }

  /**
   * Returns {@code sign(dL/dx')} at {@code x' = anchor}, in {@code anchor}'s manager. Every
   * intermediate array of the attack is freed before this returns.
   */
  public NDArray gradientSign(ContrastiveNet net, ContrastiveLoss loss, NDArray anchor) {
    NDManager parent = anchor.getManager();
    try (NDManager scope = parent.newSubManager()) {
      NDArray probe = anchor.duplicate();
      probe.attach(scope);
      probe.setRequiresGradient(true);
      net.setWeightsRequireGradient(false);
      try (GradientCollector collector = Engine.getInstance().newGradientCollector()) {
        NDArray zProbe = net.embed(probe, BnBranch.ADVERSARIAL, true);
        NDArray zAnchor = zProbe.stopGradient();
        collector.backward(loss.compute(zAnchor, zProbe));
      } finally {
        net.setWeightsRequireGradient(true);
      }
      NDArray sign = probe.getGradient().sign();
      sign.attach(parent);
      return sign;
    }
  }
}
