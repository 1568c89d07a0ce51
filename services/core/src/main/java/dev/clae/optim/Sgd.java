package dev.clae.optim;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.nn.Parameter;
import dev.clae.util.Scalars;
import java.util.List;

/**
 * SGD with momentum and L2 weight decay, as PyTorch's {@code torch.optim.SGD} (no dampening, no
 * Nesterov): {@code d = g + wd * w; buf = momentum * buf + d; w -= lr * buf}. The reference trains
 * UEL and Plain with lr 0.03, momentum 0.9, weight decay 5e-4.
 */
public final class Sgd extends Optimizer {
  private final double momentum;
  private final double weightDecay;

  /** Creates the optimiser. */
  public Sgd(List<Parameter> params, NDManager parent, double momentum, double weightDecay) {
    super(params, parent, 1);
    this.momentum = momentum;
    this.weightDecay = weightDecay;
  }

  @Override
  protected int slots() {
    return 1;
  }

  @Override
  protected void update(NDArray w, NDArray g, double lr, long t, int slot) {
    NDArray d = weightDecay == 0 ? g : g.add(Scalars.mul(w, weightDecay));
    NDArray buf = state.get(slot);
    Scalars.muli(buf, momentum).addi(d);
    w.subi(Scalars.mul(buf, lr));
  }
}
