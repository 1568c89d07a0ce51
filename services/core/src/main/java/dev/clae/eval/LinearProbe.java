package dev.clae.eval;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import dev.clae.encoder.Dense;
import dev.clae.optim.Adam;
import dev.clae.util.Scalars;
import dev.clae.util.Seeds;
import java.util.SplittableRandom;

/**
 * A linear classifier trained on frozen features with softmax cross-entropy and Adam, no
 * augmentation, as the reference evaluates. The accuracy reported is the final epoch's on the test
 * rows: the probe never selects among epochs by test accuracy.
 */
public final class LinearProbe {
  private final int epochs;
  private final double lr;
  private final int batchSize;
  private final long seed;

  /** Creates a probe. */
  public LinearProbe(int epochs, double lr, int batchSize, long seed) {
    this.epochs = epochs;
    this.lr = lr;
    this.batchSize = batchSize;
    this.seed = seed;
  }

  /** Trains on {@code train} and returns the top-1 accuracy on {@code test}, in [0, 1]. */
  public double accuracy(FeatureSet train, FeatureSet test, NDManager manager) {
    try (NDManager scope = manager.newSubManager()) {
      Engine.getInstance().setRandomSeed((int) Seeds.mix(seed, 0x11AEL));
      Dense layer = new Dense(train.dim(), train.numClasses());
      layer.initialize(scope, ai.djl.ndarray.types.DataType.FLOAT32, new Shape(1, train.dim()));
      try (Adam adam = new Adam(layer.getParameters().values(), scope, 0)) {
        NDArray x = scope.create(train.values(), new Shape(train.size(), train.dim()));
        int b = Math.min(batchSize, train.size());
        for (int epoch = 0; epoch < epochs; epoch++) {
          int[] order = shuffle(train.size(), epoch);
          for (int start = 0; start + b <= order.length; start += b) {
            trainBatch(layer, adam, x, train, order, start, b);
          }
        }
        return evaluate(layer, test, scope);
      }
    }
  }

  private void trainBatch(
      Dense layer, Adam adam, NDArray x, FeatureSet train, int[] order, int start, int b) {
    try (NDManager step = x.getManager().newSubManager()) {
      long[] rows = new long[b];
      float[] oneHot = new float[b * train.numClasses()];
      for (int i = 0; i < b; i++) {
        rows[i] = order[start + i];
        oneHot[i * train.numClasses() + train.labels()[order[start + i]]] = 1f;
      }
      NDArray batch = x.get(step.create(rows));
      batch.attach(step);
      NDArray target = step.create(oneHot, new Shape(b, train.numClasses()));
      try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
        NDArray logits = layer.apply(batch, true);
        NDArray loss = Scalars.div(logits.logSoftmax(1).mul(target).sum(), -b);
        gc.backward(loss);
      }
      adam.step(lr);
    }
  }

  private static double evaluate(Dense layer, FeatureSet test, NDManager m) {
    if (test.size() == 0) {
      return 0;
    }
    try (NDManager scope = m.newSubManager()) {
      NDArray x = scope.create(test.values(), new Shape(test.size(), test.dim()));
      long[] pred = layer.apply(x, false).argMax(1).toLongArray();
      int correct = 0;
      for (int i = 0; i < pred.length; i++) {
        if (pred[i] == test.labels()[i]) {
          correct++;
        }
      }
      return correct / (double) test.size();
    }
  }

  private int[] shuffle(int n, int epoch) {
    int[] idx = new int[n];
    for (int i = 0; i < n; i++) {
      idx[i] = i;
    }
    SplittableRandom rng = new SplittableRandom(Seeds.mix(seed, epoch, 0x11AEL));
    for (int i = n - 1; i > 0; i--) {
      int j = rng.nextInt(i + 1);
      int t = idx[i];
      idx[i] = idx[j];
      idx[j] = t;
    }
    return idx;
  }
}
