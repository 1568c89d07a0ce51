package dev.clae.optim;

import ai.djl.ndarray.NDManager;
import ai.djl.nn.Parameter;
import dev.clae.config.ClaeConfig;
import dev.clae.config.Keys;
import java.util.List;

/** Builds the optimiser and schedule a configuration names. */
public final class Optimizers {
  private Optimizers() {}

  /** Creates {@code optimizer.name} over {@code params}. */
  public static Optimizer create(ClaeConfig c, List<Parameter> params, NDManager manager) {
    double wd = c.get(Keys.WEIGHT_DECAY);
    if ("adam".equals(c.get(Keys.OPTIMIZER))) {
      return new Adam(params, manager, wd);
    }
    return new Sgd(params, manager, c.get(Keys.MOMENTUM), wd);
  }

  /** Returns the learning-rate schedule. */
  public static LearningRate schedule(ClaeConfig c) {
    return new LearningRate(c.get(Keys.LR), c.get(Keys.LR_MILESTONES), c.get(Keys.LR_GAMMA));
  }
}
