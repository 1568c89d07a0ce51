package dev.clae.loss;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import dev.clae.util.Scalars;

/**
 * NT-Xent, the loss of SimCLR (Chen et al. 2020). With {@code z} the {@code 2B} rows of both views
 * (view one first), {@code s(k, m)} their cosine similarity and {@code p(k)} the other view of row
 * {@code k}'s image:
 *
 * <pre>
 *   l_k = -log( exp(s(k, p(k)) / T) / sum_{m != k} exp(s(k, m) / T) ),   loss = mean_k l_k
 * </pre>
 */
public final class NtXentLoss implements ContrastiveLoss {
  /** Subtracted from self-similarities so that they vanish from the softmax. */
  static final float SELF_MASK = 1e9f;

  private final double temperature;

  /** Creates the loss with temperature {@code T} (reference: 0.5). */
  public NtXentLoss(double temperature) {
    this.temperature = temperature;
  }

  @Override
  public NDArray compute(NDArray z1, NDArray z2) {
    int b = Math.toIntExact(z1.getShape().get(0));
    NDManager m = z1.getManager();
    NDArray z = z1.concat(z2, 0);
    NDArray sim = Scalars.div(z.matMul(z.transpose()), temperature);
    NDArray masked = sim.sub(Scalars.muli(m.eye(2 * b), SELF_MASK));
    NDArray logProb = masked.logSoftmax(1);
    NDArray positives = PairMasks.positives(m, b);
    return Scalars.div(logProb.mul(positives).sum(), -2.0 * b);
  }

  @Override
  public double temperature() {
    return temperature;
  }

  @Override
  public String name() {
    return "simclr";
  }
}
