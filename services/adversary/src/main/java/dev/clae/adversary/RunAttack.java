package dev.clae.adversary;

import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.clae.attack.Fgsm;
import dev.clae.config.ClaeConfig;
import dev.clae.config.Keys;
import dev.clae.encoder.ContrastiveNet;
import dev.clae.encoder.Networks;
import dev.clae.loss.ContrastiveLoss;
import dev.clae.loss.Losses;
import dev.clae.util.StagingBuffer;

/**
 * The attack of one run: the run's network (both batch-norm branches) holding the weight snapshot
 * last loaded, its loss and the FGSM step. Only the direction {@code sign(dL/dx)} is computed here;
 * the trainer adds {@code eps} times it to the anchor view, exactly as {@link Fgsm#perturb} does in
 * one process.
 */
final class RunAttack implements AutoCloseable {
  private final NDManager manager;
  private final ContrastiveNet net;
  private final ContrastiveLoss loss;
  private final Fgsm fgsm;
  private final StagingBuffer staging = new StagingBuffer();
  private long loadedGeneration = -1;
  private long loadedVersion = -1;

  /** Builds the run's network for images of {@code {C, H, W}}. */
  RunAttack(ClaeConfig config, Shape image, Device device) {
    this.manager = NDManager.newBaseManager(device);
    Engine.getInstance().setRandomSeed(Long.hashCode(config.get(Keys.SEED)));
    this.net = Networks.create(config, image, manager);
    this.loss = Losses.create(config);
    this.fgsm = new Fgsm(config.get(Keys.ADV_EPS));
  }

  /** Returns whether the snapshot of a generation and version is the one loaded. */
  boolean holds(long generation, long version) {
    return generation == loadedGeneration && version == loadedVersion;
  }

  /**
   * Loads a weight snapshot.
   *
   * @throws IllegalArgumentException when the weights belong to another architecture
   */
  void load(byte[] weights, long generation, long version) {
    net.loadWeights(weights, manager);
    loadedGeneration = generation;
    loadedVersion = version;
  }

  /** Returns {@code sign(dL/dx1)} of a batch of anchor views, {@code B*C*H*W} values. */
  float[] direction(float[] view1, long[] shape) {
    try (NDManager step = manager.newSubManager()) {
      NDArray x1 = staging.create(step, view1, new Shape(shape));
      return fgsm.gradientSign(net, loss, x1).toFloatArray();
    }
  }

  /** Returns the step size. */
  double eps() {
    return fgsm.eps();
  }

  @Override
  public void close() {
    manager.close();
  }
}
