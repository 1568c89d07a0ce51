package dev.clae.eval;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.clae.augment.ViewAugmenter;
import dev.clae.data.ImageSet;
import dev.clae.encoder.ContrastiveNet;
import dev.clae.util.StagingBuffer;

/**
 * Runs unaugmented, normalised images through the network in evaluation mode, with the clean batch
 * norms and their running statistics, and keeps either the pooled backbone features or the
 * normalised embedding.
 */
public final class FeatureExtractor {
  private final ContrastiveNet net;
  private final ViewAugmenter augmenter;
  private final int batchSize;
  private final boolean embedding;

  /**
   * Creates an extractor.
   *
   * @param embedding true for the head's embedding, false for the backbone features
   */
  public FeatureExtractor(
      ContrastiveNet net, ViewAugmenter augmenter, int batchSize, boolean embedding) {
    this.net = net;
    this.augmenter = augmenter;
    this.batchSize = batchSize;
    this.embedding = embedding;
  }

  /** Extracts the features of every image of a set. */
  public FeatureSet extract(ImageSet set, NDManager manager) {
    int n = set.size();
    int per = set.imageBytes();
    float[] out = null;
    int dim = 0;
    StagingBuffer staging = new StagingBuffer();
    for (int start = 0; start < n; start += batchSize) {
      int b = Math.min(batchSize, n - start);
      float[] batch = new float[b * per];
      for (int i = 0; i < b; i++) {
        augmenter.plain(set, start + i, batch, i * per);
      }
      try (NDManager scope = manager.newSubManager()) {
        Shape shape = new Shape(b, set.channels(), set.height(), set.width());
        NDArray[] outputs = net.evalOutputs(staging.create(scope, batch, shape));
        float[] f = (embedding ? outputs[1] : outputs[0]).toFloatArray();
        if (out == null) {
          dim = f.length / b;
          out = new float[n * dim];
        }
        System.arraycopy(f, 0, out, start * dim, f.length);
      }
    }
    return new FeatureSet(out, dim, set.labels(), set.numClasses());
  }
}
