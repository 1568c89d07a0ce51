package dev.clae.loss;

import dev.clae.config.ClaeConfig;
import dev.clae.config.Keys;

/** Builds the loss of a configuration's method. */
public final class Losses {
  private Losses() {}

  /** Returns the method's loss at the configured temperature. */
  public static ContrastiveLoss create(ClaeConfig config) {
    double t = config.get(Keys.TEMPERATURE);
    return switch (config.get(Keys.METHOD)) {
      case "simclr" -> new NtXentLoss(t);
      case "uel" -> new BatchCriterionLoss(t);
      case "plain" -> new PlainInfoNceLoss(t);
      default -> throw new IllegalArgumentException("unknown method " + config.get(Keys.METHOD));
    };
  }
}
