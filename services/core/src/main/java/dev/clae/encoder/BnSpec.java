package dev.clae.encoder;

/**
 * How to build every batch norm of one network.
 *
 * @param branch the network's shared branch switch
 * @param cleanMomentum clean momentum, PyTorch convention (reference: 0.1)
 * @param advMomentum adversarial momentum, PyTorch convention (reference: 0.01)
 * @param dual whether batch norms have an adversarial copy
 */
public record BnSpec(BranchSwitch branch, double cleanMomentum, double advMomentum, boolean dual) {
  /** Creates a batch norm over {@code channels} channels. */
  public DualBatchNorm create(int channels) {
    return new DualBatchNorm(channels, branch, cleanMomentum, advMomentum, dual);
  }
}
