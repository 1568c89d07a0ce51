package dev.clae.loss;

import ai.djl.ndarray.NDArray;
import dev.clae.util.Scalars;

/**
 * Plain InfoNCE from view one to view two: a softmax over the {@code B x B} cross-view similarity
 * matrix whose row {@code k} has its positive at column {@code k},
 *
 * <pre>
 *   loss = -(1/B) sum_k log( exp(s(z1_k, z2_k) / T) / sum_m exp(s(z1_k, z2_m) / T) ).
 * </pre>
 */
public final class PlainInfoNceLoss implements ContrastiveLoss {
  private final double temperature;

  /** Creates the loss with temperature {@code T} (reference: 0.1). */
  public PlainInfoNceLoss(double temperature) {
    this.temperature = temperature;
  }

  @Override
  public NDArray compute(NDArray z1, NDArray z2) {
    int b = Math.toIntExact(z1.getShape().get(0));
    NDArray logProb = Scalars.div(z1.matMul(z2.transpose()), temperature).logSoftmax(1);
    return Scalars.div(logProb.mul(z1.getManager().eye(b)).sum(), -b);
  }

  @Override
  public double temperature() {
    return temperature;
  }

  @Override
  public String name() {
    return "plain";
  }
}
