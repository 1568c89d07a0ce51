package dev.clae.encoder;

/** Which set of batch norms a forward pass goes through (AdvProp-style dual batch norm). */
public enum BnBranch {
  /** The clean batch norms: training on clean views, and all evaluation. */
  CLEAN,
  /** The adversarial batch norms: the FGSM attack and the adversarial view's loss. */
  ADVERSARIAL
}
