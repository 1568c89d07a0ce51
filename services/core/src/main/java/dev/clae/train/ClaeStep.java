package dev.clae.train;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import dev.clae.attack.Fgsm;
import dev.clae.encoder.BnBranch;
import dev.clae.encoder.ContrastiveNet;
import dev.clae.encoder.DualBatchNorm;
import dev.clae.loss.ContrastiveLoss;
import dev.clae.optim.Optimizer;
import dev.clae.util.Scalars;
import dev.clae.util.StagingBuffer;

/**
 * One training step of a contrastive method, with or without CLAE (Ho and Vasconcelos 2020):
 *
 * <ol>
 *   <li>with CLAE, the adversarial view {@code x_adv} of the anchor views {@code x1} by {@link
 *       Fgsm}, through the adversarial batch norms;
 *   <li>{@code z1 = f(x1)}, {@code z2 = f(x2)} through the clean batch norms, each view its own
 *       pass (so its own batch statistics), and {@code z_adv = f_adv(x_adv)};
 *   <li>loss {@code L(z1, z2) + alpha * L(z1, z_adv)}, one backward pass, one optimiser update.
 * </ol>
 *
 * Every array a step creates lives in a sub-manager closed at the end of the step, so memory does
 * not grow over a run.
 */
public final class ClaeStep {
  private final ContrastiveNet net;
  private final ContrastiveLoss loss;
  private final Fgsm attack;
  private final double alpha;
  private final Optimizer optimizer;
  private final StagingBuffer staging1 = new StagingBuffer();
  private final StagingBuffer staging2 = new StagingBuffer();

  /**
   * Creates a step.
   *
   * @param attack the FGSM attack, or null for the base method alone
   * @param alpha weight of the adversarial loss
   */
  public ClaeStep(
      ContrastiveNet net, ContrastiveLoss loss, Fgsm attack, double alpha, Optimizer optimizer) {
    this.net = net;
    this.loss = loss;
    this.attack = attack;
    this.alpha = alpha;
    this.optimizer = optimizer;
  }

  /**
   * Trains on one batch of two views.
   *
   * @param view1 anchor views, {@code B x C x H x W} floats
   * @param view2 second views
   * @param shape {@code {B, C, H, W}}
   * @param lr the learning rate of this step
   * @throws TrainingDivergedException when the loss is not finite
   */
  public StepResult run(NDManager parent, float[] view1, float[] view2, long[] shape, double lr) {
    try (NDManager step = parent.newSubManager()) {
      Shape s = new Shape(shape);
      NDArray x1 = staging1.create(step, view1, s);
      NDArray x2 = staging2.create(step, view2, s);
      NDArray xAdv = attack == null ? null : attack.perturb(net, loss, x1);
      return train(x1, x2, xAdv, lr);
    }
  }

  /**
   * Trains on views already on the device; {@code xAdv} is the adversarial view of {@code x1} made
   * elsewhere (or null for the base method). Arrays created here land in {@code x1}'s manager.
   */
  public StepResult train(NDArray x1, NDArray x2, NDArray xAdv, double lr) {
    try (Begun begun = new Begun(x1, x2, false)) {
      return begun.finish(xAdv, lr);
    }
  }

  /**
   * Starts a step on its two clean views: their forward passes through the clean batch norms and
   * the clean loss, which do not depend on the adversarial view. A caller that gets the adversarial
   * view from elsewhere can start here and {@link Begun#finish finish} when it arrives; {@code
   * begin(x1, x2).finish(xAdv, lr)} does exactly what {@link #train} does. Until the step is
   * finished or closed no other step may begin in this process (the engine records one graph at a
   * time).
   */
  public Begun begin(NDArray x1, NDArray x2) {
    return new Begun(x1, x2, true);
  }

  /** A step whose clean half is computed, waiting for its adversarial view. */
  public final class Begun implements AutoCloseable {
    private final GradientCollector collector;
    private final NDArray z1;
    private final NDArray clean;
    private final NDArray[] running;
    private final NDArray[] saved;
    private boolean open = true;

    private Begun(NDArray x1, NDArray x2, boolean restorable) {
      running = restorable ? cleanRunningStatistics() : new NDArray[0];
      saved = new NDArray[running.length];
      for (int i = 0; i < running.length; i++) {
        saved[i] = running[i].duplicate();
        saved[i].attach(x1.getManager());
      }
      collector = Engine.getInstance().newGradientCollector();
      try {
        z1 = net.embed(x1, BnBranch.CLEAN, true);
        NDArray z2 = net.embed(x2, BnBranch.CLEAN, true);
        clean = loss.compute(z1, z2);
      } catch (RuntimeException e) {
        close();
        throw e;
      }
    }

    /**
     * Completes the step: the adversarial view's pass through the adversarial batch norms, loss
     * {@code L(z1, z2) + alpha * L(z1, z_adv)}, one backward pass, one optimiser update.
     *
     * @param xAdv the adversarial view of {@code x1}, or null for the base method
     * @throws TrainingDivergedException when the loss is not finite
     */
    public StepResult finish(NDArray xAdv, double lr) {
      if (!open) {
        throw new IllegalStateException("this step was finished or abandoned already");
      }
      NDArray total = clean;
      NDArray adv = null;
      try {
        if (xAdv != null) {
          NDArray zAdv = net.embed(xAdv, BnBranch.ADVERSARIAL, true);
          adv = loss.compute(z1, zAdv);
          total = clean.add(Scalars.mul(adv, alpha));
        }
        collector.backward(total);
      } finally {
        open = false;
        collector.close();
      }
      double value = total.getFloat();
      if (!Double.isFinite(value)) {
        throw new TrainingDivergedException(
            "the loss became "
                + value
                + " at optimiser step "
                + (optimizer.steps() + 1)
                + "; try a lower optimizer.lr or adversarial.eps");
      }
      optimizer.step(lr);
      double advValue = adv == null ? Double.NaN : adv.getFloat();
      return new StepResult(value, clean.getFloat(), advValue);
    }

    /**
     * Abandons the step unless it was finished: no gradient is computed, no weight changes, and the
     * clean batch norms' running statistics are put back as they were before it began.
     */
    @Override
    public void close() {
      if (!open) {
        return;
      }
      open = false;
      collector.close();
      for (int i = 0; i < running.length; i++) {
        saved[i].copyTo(running[i]);
      }
    }
  }

  /** The running means and variances of every clean batch norm, the state a forward pass moves. */
  private NDArray[] cleanRunningStatistics() {
    java.util.List<NDArray> out = new java.util.ArrayList<>();
    for (DualBatchNorm bn : net.batchNorms()) {
      NDArray[] st = bn.state(BnBranch.CLEAN);
      out.add(st[2]);
      out.add(st[3]);
    }
    return out.toArray(new NDArray[0]);
  }

  /** Returns the network trained. */
  public ContrastiveNet net() {
    return net;
  }

  /** Returns the optimiser. */
  public Optimizer optimizer() {
    return optimizer;
  }
}
