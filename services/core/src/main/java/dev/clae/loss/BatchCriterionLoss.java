package dev.clae.loss;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import dev.clae.util.Scalars;

/**
 * BatchCriterion, the instance-spreading loss of UEL (Ye et al. 2019). With {@code 2B} rows {@code
 * z} (view one first), {@code p(k)} the partner row and temperature {@code T}:
 *
 * <pre>
 *   D_k  = sum_{m != k} exp(s(k, m) / T)
 *   P_k  = exp(s(k, p(k)) / T) / D_k                 (positive probability)
 *   Q_km = exp(s(k, m) / T) / D_k                    (m is read as k's own instance)
 *   loss = -(1 / 2B) sum_k [ log P_k + sum_{m != k, p(k)} log(1 - Q_km) ]
 * </pre>
 *
 * As in the reference, the second factor of every similarity is detached: gradients reach row
 * {@code k} only through its own appearance as the first factor.
 */
public final class BatchCriterionLoss implements ContrastiveLoss {
  private final double temperature;

  /** Creates the loss with temperature {@code T} (reference: 0.1). */
  public BatchCriterionLoss(double temperature) {
    this.temperature = temperature;
  }

  @Override
  public NDArray compute(NDArray z1, NDArray z2) {
    int b = Math.toIntExact(z1.getShape().get(0));
    int n = 2 * b;
    NDManager m = z1.getManager();
    NDArray z = z1.concat(z2, 0);
    NDArray partner = z2.concat(z1, 0).stopGradient();
    NDArray pos = Scalars.div(z.mul(partner).sum(new int[] {1}), temperature).exp();
    NDArray notSelf = Scalars.addi(m.eye(n).negi(), 1);
    NDArray all =
        Scalars.div(z.matMul(z.transpose().stopGradient()), temperature).exp().mul(notSelf);
    NDArray denominator = all.sum(new int[] {1});
    NDArray logP = pos.div(denominator).log();
    NDArray q = all.div(denominator.reshape(n, 1));
    NDArray positives = PairMasks.positives(m, b);
    NDArray negatives = notSelf.sub(positives);
    NDArray logNotQ = Scalars.add(q.neg(), 1).log().mul(negatives);
    return Scalars.div(logP.sum().add(logNotQ.sum()), -n);
  }

  @Override
  public double temperature() {
    return temperature;
  }

  @Override
  public String name() {
    return "uel";
  }
}
