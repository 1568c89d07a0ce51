package dev.clae.optim;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.nn.Parameter;
import dev.clae.util.Scalars;
import java.util.List;

/**
 * Adam (Kingma and Ba 2015) as PyTorch's {@code torch.optim.Adam}, betas 0.9 and 0.999, eps 1e-8,
 * L2 weight decay added to the gradient:
 *
 * <pre>
 *   m = b1 m + (1 - b1) g;  v = b2 v + (1 - b2) g^2
 *   w -= lr / (1 - b1^t) * m / (sqrt(v) / sqrt(1 - b2^t) + eps)
 * </pre>
 *
 * The reference trains SimCLR with lr 3e-4 and no schedule.
 */
public final class Adam extends Optimizer {
  private static final double B1 = 0.9;
  private static final double B2 = 0.999;
  private static final double EPS = 1e-8;

  private final double weightDecay;

  /** Creates the optimiser. */
  public Adam(List<Parameter> params, NDManager parent, double weightDecay) {
    super(params, parent, 2);
    this.weightDecay = weightDecay;
  }

  @Override
  protected int slots() {
    return 2;
  }

  @Override
  protected void update(NDArray w, NDArray g, double lr, long t, int slot) {
    NDArray d = weightDecay == 0 ? g : g.add(Scalars.mul(w, weightDecay));
    NDArray m = state.get(slot);
    NDArray v = state.get(slot + 1);
    Scalars.muli(m, B1).addi(Scalars.mul(d, 1 - B1));
    Scalars.muli(v, B2).addi(Scalars.muli(d.square(), 1 - B2));
    double bc1 = 1 - Math.pow(B1, t);
    double bc2 = 1 - Math.pow(B2, t);
    NDArray denominator = Scalars.addi(Scalars.divi(v.sqrt(), Math.sqrt(bc2)), EPS);
    w.subi(Scalars.muli(m.div(denominator), lr / bc1));
  }
}
