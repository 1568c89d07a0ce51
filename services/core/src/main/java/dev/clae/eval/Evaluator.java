package dev.clae.eval;

import ai.djl.ndarray.NDManager;
import dev.clae.augment.ViewAugmenter;
import dev.clae.config.ClaeConfig;
import dev.clae.config.Keys;
import dev.clae.data.Dataset;
import dev.clae.encoder.ContrastiveNet;

/**
 * Evaluates a network's representation with the clean batch norms: weighted kNN and a linear probe
 * on frozen features, both trained on the training split and scored on the test split, as
 * configured by the {@code eval.*} keys.
 */
public final class Evaluator {
  private final ClaeConfig config;
  private final Dataset data;
  private final ViewAugmenter augmenter;

  /** Creates an evaluator over a dataset; {@code augmenter} supplies the normalisation. */
  public Evaluator(ClaeConfig config, Dataset data, ViewAugmenter augmenter) {
    this.config = config;
    this.data = data;
    this.augmenter = augmenter;
  }

  /** Extracts training and test features of {@code net}. */
  public FeatureSet[] features(ContrastiveNet net, NDManager manager) {
    boolean embedding = "embedding".equals(config.get(Keys.EVAL_FEATURES));
    FeatureExtractor fx =
        new FeatureExtractor(net, augmenter, config.get(Keys.EVAL_BATCH), embedding);
    return new FeatureSet[] {fx.extract(data.train(), manager), fx.extract(data.test(), manager)};
  }

  /** Returns the kNN top-1 accuracy of {@code net}. */
  public double knn(ContrastiveNet net, NDManager manager) {
    FeatureSet[] f = features(net, manager);
    return knn(f, manager);
  }

  /** Returns the kNN top-1 accuracy on extracted features. */
  public double knn(FeatureSet[] f, NDManager manager) {
    KnnClassifier knn = new KnnClassifier(config.get(Keys.KNN_K), config.get(Keys.KNN_TEMPERATURE));
    return knn.accuracy(f[0], f[1], manager);
  }

  /** Returns the linear-probe top-1 accuracy on extracted features (NaN when disabled). */
  public double linear(FeatureSet[] f, NDManager manager) {
    int epochs = config.get(Keys.LINEAR_EPOCHS);
    if (epochs == 0) {
      return Double.NaN;
    }
    LinearProbe probe =
        new LinearProbe(
            epochs,
            config.get(Keys.LINEAR_LR),
            config.get(Keys.LINEAR_BATCH),
            config.get(Keys.SEED));
    return probe.accuracy(f[0], f[1], manager);
  }
}
