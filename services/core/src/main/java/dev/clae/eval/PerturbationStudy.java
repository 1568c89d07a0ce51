package dev.clae.eval;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import dev.clae.augment.ViewAugmenter;
import dev.clae.data.ImageSet;
import dev.clae.encoder.BnBranch;
import dev.clae.encoder.ContrastiveNet;
import dev.clae.loss.ContrastiveLoss;
import dev.clae.util.Scalars;
import dev.clae.util.Seeds;
import dev.clae.util.StagingBuffer;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * How a trained encoder's contrastive loss responds to a perturbation of size {@code eps}, the
 * claim behind CLAE (Ho and Vasconcelos 2020): in the direction of the loss's gradient (one FGSM
 * step) it rises far more than in a random sign direction of the same size.
 *
 * <p>For a batch of augmented views {@code x} of test images it measures {@code L(f(x), f(x + eps *
 * d))}, the method's loss between each view and its perturbed copy (the pair CLAE trains on), with
 * {@code d = sign(dL/dx')} at {@code x' = x} or {@code d} uniform in {-1, +1}. The network runs in
 * evaluation mode through its clean batch norms, so that a base encoder and a CLAE encoder are
 * measured alike and the answer does not depend on the batch; {@code eps} is in normalised input
 * units, as in training.
 */
public final class PerturbationStudy {
  private final ContrastiveNet net;
  private final ContrastiveLoss loss;
  private final ViewAugmenter augmenter;
  private final int batchSize;
  private final int batches;
  private final long seed;

  /**
   * Creates a study over {@code batches} batches of {@code batchSize} test images.
   *
   * @param seed seeds the views and the random directions
   */
  public PerturbationStudy(
      ContrastiveNet net,
      ContrastiveLoss loss,
      ViewAugmenter augmenter,
      int batchSize,
      int batches,
      long seed) {
    this.net = net;
    this.loss = loss;
    this.augmenter = augmenter;
    this.batchSize = batchSize;
    this.batches = batches;
    this.seed = seed;
  }

  /**
   * Loss of each batch at one perturbation size, for both directions, and unperturbed ({@code
   * clean}: the loss of each view with an identical copy, the floor both rise from).
   */
  public record Point(double eps, List<Double> clean, List<Double> fgsm, List<Double> random) {}

  /**
   * Runs the study for every {@code eps}.
   *
   * @throws IllegalArgumentException when the test set has fewer than {@code batchSize} images
   */
  public List<Point> run(ImageSet test, List<Double> epsValues, NDManager manager) {
    if (test.size() < batchSize) {
      throw new IllegalArgumentException(
          "the test split has " + test.size() + " images, fewer than a batch of " + batchSize);
    }
    List<Double> clean = new ArrayList<>();
    Map<Double, List<Double>> fgsm = new LinkedHashMap<>();
    Map<Double, List<Double>> random = new LinkedHashMap<>();
    for (double eps : epsValues) {
      fgsm.put(eps, new ArrayList<>());
      random.put(eps, new ArrayList<>());
    }
    StagingBuffer staging = new StagingBuffer();
    int per = test.imageBytes();
    Shape shape = new Shape(batchSize, test.channels(), test.height(), test.width());
    for (int b = 0; b < batches; b++) {
      float[] views = new float[batchSize * per];
      for (int i = 0; i < batchSize; i++) {
        int index = (b * batchSize + i) % test.size();
        augmenter.view(test, index, seed, 1_000_000 + b, 0, views, i * per);
      }
      try (NDManager scope = manager.newSubManager()) {
        NDArray x = staging.create(scope, views, shape);
        NDArray z = net.embed(x, BnBranch.CLEAN, false);
        clean.add((double) loss.compute(z, z).getFloat());
        NDArray gradientSign = gradientSign(x, z);
        NDArray randomSign = randomSign(scope, shape, b);
        for (double eps : epsValues) {
          fgsm.get(eps).add(lossAt(x, z, gradientSign, eps));
          random.get(eps).add(lossAt(x, z, randomSign, eps));
        }
      }
    }
    List<Point> out = new ArrayList<>();
    for (double eps : epsValues) {
      out.add(new Point(eps, clean, fgsm.get(eps), random.get(eps)));
    }
    return out;
  }

  private NDArray gradientSign(NDArray x, NDArray z) {
    NDArray probe = x.duplicate();
    probe.setRequiresGradient(true);
    net.setWeightsRequireGradient(false);
    try (GradientCollector collector = Engine.getInstance().newGradientCollector()) {
      NDArray zProbe = net.embed(probe, BnBranch.CLEAN, false);
      collector.backward(loss.compute(z.stopGradient(), zProbe));
    } finally {
      net.setWeightsRequireGradient(true);
    }
    return probe.getGradient().sign();
  }

  private NDArray randomSign(NDManager m, Shape shape, int batch) {
    SplittableRandom rng = new SplittableRandom(Seeds.mix(seed, batch, 0x5167L));
    float[] s = new float[(int) shape.size()];
    for (int i = 0; i < s.length; i++) {
      s[i] = rng.nextBoolean() ? 1f : -1f;
    }
    return m.create(s, shape);
  }

  private double lossAt(NDArray x, NDArray z, NDArray direction, double eps) {
    NDArray perturbed = x.add(Scalars.mul(direction, eps));
    NDArray zp = net.embed(perturbed, BnBranch.CLEAN, false);
    return loss.compute(z, zp).getFloat();
  }
}
