package dev.clae.encoder;

/**
 * The branch every {@link DualBatchNorm} of one network reads during a forward pass. DJL's blocks
 * do not pass extra arguments down to their children, so the network sets this shared switch before
 * a pass instead. A network is driven by one thread at a time.
 */
public final class BranchSwitch {
  private BnBranch current = BnBranch.CLEAN;

  /** Returns the branch of the running pass. */
  public BnBranch current() {
    return current;
  }

  /** Selects the branch for the next passes. */
  public void select(BnBranch branch) {
    current = branch;
  }
}
