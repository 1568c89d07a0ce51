package dev.clae.optim;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.nn.Parameter;
import java.util.ArrayList;
import java.util.List;

/**
 * A first-order optimiser over a fixed list of parameters, in PyTorch's formulation, whose state
 * can be saved and restored exactly (DJL's built-in optimisers keep their state private, which
 * rules out exact resumption). After each update the gradients are set to zero: the engine
 * accumulates gradients across backward passes.
 */
public abstract class Optimizer implements AutoCloseable {
  /** The parameters updated, in a fixed order. */
  protected final List<Parameter> params;

  /** Holds the state arrays. */
  protected final NDManager manager;

  /** Per-parameter state arrays, {@link #slots()} a parameter. */
  protected final List<NDArray> state = new ArrayList<>();

  private long steps;

  /** Creates zero state for every parameter, {@code slots} arrays each. */
  protected Optimizer(List<Parameter> params, NDManager parent, int slots) {
    this.params = List.copyOf(params);
    this.manager = parent.newSubManager();
    for (Parameter p : params) {
      for (int s = 0; s < slots; s++) {
        state.add(manager.zeros(p.getArray().getShape()));
      }
    }
  }

  /** Returns the number of state arrays a parameter. */
  protected abstract int slots();

  /**
   * Updates one parameter in place from its gradient.
   *
   * @param w the parameter
   * @param g its gradient (a temporary handle the caller closes)
   * @param lr the learning rate of this step
   * @param t the 1-based step number
   * @param slot the parameter's first state index
   */
  protected abstract void update(NDArray w, NDArray g, double lr, long t, int slot);

  /** Applies one update with learning rate {@code lr} and zeroes the gradients. */
  public void step(double lr) {
    steps++;
    for (int i = 0; i < params.size(); i++) {
      NDArray w = params.get(i).getArray();
      try (NDManager scratch = manager.newSubManager()) {
        NDArray g = w.getGradient();
        g.attach(scratch);
        // Results of operations land in their first operand's manager: attaching the weight and
        // its state here for the update keeps every temporary in the scratch scope.
        scratch.tempAttachAll(w);
        for (int s = 0; s < slots(); s++) {
          scratch.tempAttachAll(state.get(i * slots() + s));
        }
        update(w, g, lr, steps, i * slots());
        g.subi(g);
      }
    }
  }

  /** Returns how many updates were applied. */
  public long steps() {
    return steps;
  }

  /** Returns copies of the state arrays, for a checkpoint. */
  public NDList saveState(NDManager into) {
    NDList out = new NDList();
    for (NDArray a : state) {
      NDArray c = a.duplicate();
      c.attach(into);
      out.add(c);
    }
    return out;
  }

  /**
   * Restores state saved by {@link #saveState} and the update count.
   *
   * @throws IllegalArgumentException when the state does not match the parameters
   */
  public void loadState(NDList saved, long savedSteps) {
    if (saved.size() != state.size()) {
      throw new IllegalArgumentException(
          "optimiser state has " + saved.size() + " arrays, expected " + state.size());
    }
    for (int i = 0; i < state.size(); i++) {
      NDArray a = state.get(i);
      if (!a.getShape().equals(saved.get(i).getShape())) {
        throw new IllegalArgumentException(
            "optimiser state array "
                + i
                + " has shape "
                + saved.get(i).getShape()
                + ", expected "
                + a.getShape());
      }
      NDArray copy = saved.get(i).duplicate();
      copy.attach(manager);
      state.set(i, copy);
      a.close();
    }
    steps = savedSteps;
  }

  @Override
  public void close() {
    manager.close();
  }
}
