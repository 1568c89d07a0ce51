package dev.clae.encoder;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;

/**
 * Batch norm over the channels of {@code N x C x H x W} input with, optionally, a second
 * adversarial copy (AdvProp, Xie et al. 2020, as used by CLAE): each copy has its own scale, shift
 * and running statistics, and the network's {@link BranchSwitch} picks the copy of each pass.
 *
 * <p>Momentum is given in PyTorch's convention, {@code running = (1 - m) * running + m * batch};
 * DJL's own convention is the reverse ({@code m * running + (1 - m) * batch}), and the conversion
 * happens here only. The running variance takes the unbiased batch variance, as in PyTorch.
 */
public final class DualBatchNorm extends Layer {
  private static final float EPS = 1e-5f;

  private final int channels;
  private final BranchSwitch branch;
  private final float cleanMomentum;
  private final float advMomentum;
  private final Parameter[] clean;
  private final Parameter[] adv;

  /**
   * Creates the batch norm.
   *
   * @param channels channels normalised
   * @param branch the network's branch switch
   * @param cleanMomentum clean momentum, PyTorch convention
   * @param advMomentum adversarial momentum, PyTorch convention; ignored when not dual
   * @param dual whether to keep the adversarial copy
   */
  public DualBatchNorm(
      int channels, BranchSwitch branch, double cleanMomentum, double advMomentum, boolean dual) {
    this.channels = channels;
    this.branch = branch;
    this.cleanMomentum = (float) cleanMomentum;
    this.advMomentum = (float) advMomentum;
    this.clean = addCopy("");
    this.adv = dual ? addCopy("adv_") : null;
  }

  private Parameter[] addCopy(String prefix) {
    Shape s = new Shape(channels);
    return new Parameter[] {
      addParameter(param(prefix + "gamma", Parameter.Type.GAMMA, s, true)),
      addParameter(param(prefix + "beta", Parameter.Type.BETA, s, true)),
      addParameter(param(prefix + "runningMean", Parameter.Type.RUNNING_MEAN, s, false)),
      addParameter(param(prefix + "runningVar", Parameter.Type.RUNNING_VAR, s, false))
    };
  }

  private static Parameter param(String name, Parameter.Type type, Shape s, boolean grad) {
    return Parameter.builder()
        .setName(name)
        .setType(type)
        .optShape(s)
        .optRequiresGrad(grad)
        .build();
  }

  /** Returns whether this batch norm has an adversarial copy. */
  public boolean isDual() {
    return adv != null;
  }

  /** Returns {gamma, beta, running mean, running variance} of a branch. */
  public NDArray[] state(BnBranch b) {
    Parameter[] p = copy(b);
    return new NDArray[] {p[0].getArray(), p[1].getArray(), p[2].getArray(), p[3].getArray()};
  }

  private Parameter[] copy(BnBranch b) {
    if (b == BnBranch.CLEAN) {
      return clean;
    }
    if (adv == null) {
      throw new IllegalStateException(
          "the adversarial batch-norm branch was requested, but this encoder was built without"
              + " one (adversarial.enabled=false)");
    }
    return adv;
  }

  @Override
  public NDArray apply(NDArray x, boolean training) {
    BnBranch b = branch.current();
    Parameter[] p = copy(b);
    float ptMomentum = b == BnBranch.CLEAN ? cleanMomentum : advMomentum;
    // axis -1 selects libtorch's native layout (channels at dimension 1) without transposes;
    // DJL converts its momentum m to PyTorch's 1 - m on the way in.
    return x.getNDArrayInternal()
        .batchNorm(
            x,
            p[2].getArray(),
            p[3].getArray(),
            p[0].getArray(),
            p[1].getArray(),
            -1,
            1f - ptMomentum,
            EPS,
            training)
        .singletonOrThrow();
  }

  @Override
  public Shape outputShape(Shape in) {
    return in;
  }

  @Override
  public long forwardFlops(Shape in) {
    return 0;
  }
}
