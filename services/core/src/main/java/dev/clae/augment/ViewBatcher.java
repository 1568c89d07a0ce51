package dev.clae.augment;

import dev.clae.data.ImageSet;
import dev.clae.util.Seeds;
import java.util.SplittableRandom;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * Cuts an epoch into batches in a seeded random order and makes both views of each batch. The order
 * of epoch {@code e} depends only on (seed, e); a last partial batch is dropped, as the reference's
 * data loaders do. Batches can be made ahead on a small pool of threads.
 */
public final class ViewBatcher implements AutoCloseable {
  private final ImageSet set;
  private final ViewAugmenter augmenter;
  private final int batchSize;
  private final long seed;
  private final ExecutorService pool;
  private final int threads;

  /**
   * Creates a batcher.
   *
   * @param threads threads that make views; batches are made off the caller's thread
   */
  public ViewBatcher(ImageSet set, ViewAugmenter augmenter, int batchSize, long seed, int threads) {
    if (batchSize > set.size()) {
      throw new IllegalArgumentException(
          "batch size " + batchSize + " exceeds the " + set.size() + " training images");
    }
    this.set = set;
    this.augmenter = augmenter;
    this.batchSize = batchSize;
    this.seed = seed;
    this.threads = threads;
    this.pool =
        Executors.newFixedThreadPool(
            threads,
            r -> {
              Thread t = new Thread(r, "clae-views");
              t.setDaemon(true);
              return t;
            });
  }

  /** Returns full batches an epoch. */
  public int stepsPerEpoch() {
    return set.size() / batchSize;
  }

  /** Returns the image order of an epoch. */
  public int[] order(int epoch) {
    int[] idx = new int[set.size()];
    for (int i = 0; i < idx.length; i++) {
      idx[i] = i;
    }
    SplittableRandom rng = new SplittableRandom(Seeds.mix(seed, epoch, -1));
    for (int i = idx.length - 1; i > 0; i--) {
      int j = rng.nextInt(i + 1);
      int t = idx[i];
      idx[i] = idx[j];
      idx[j] = t;
    }
    return idx;
  }

  /** Starts making batch {@code step} of an epoch whose order is {@code order}. */
  public Future<ViewBatch> submit(int epoch, int step, int[] order) {
    return pool.submit(() -> make(epoch, step, order));
  }

  /** Makes batch {@code step} on the calling thread (and the pool when it has more threads). */
  public ViewBatch make(int epoch, int step, int[] order) throws Exception {
    int[] indices = new int[batchSize];
    System.arraycopy(order, step * batchSize, indices, 0, batchSize);
    int per = set.imageBytes();
    float[] v1 = new float[batchSize * per];
    float[] v2 = new float[batchSize * per];
    Runnable[] parts = new Runnable[threads];
    for (int t = 0; t < threads; t++) {
      int from = t * batchSize / threads;
      int to = (t + 1) * batchSize / threads;
      parts[t] =
          () -> {
            for (int i = from; i < to; i++) {
              augmenter.view(set, indices[i], seed, epoch, 0, v1, i * per);
              augmenter.view(set, indices[i], seed, epoch, 1, v2, i * per);
            }
          };
    }
    if (threads == 1) {
      parts[0].run();
    } else {
      Future<?>[] f = new Future<?>[threads - 1];
      for (int t = 1; t < threads; t++) {
        f[t - 1] = pool.submit(parts[t]);
      }
      parts[0].run();
      for (Future<?> x : f) {
        x.get();
      }
    }
    long[] shape = {batchSize, set.channels(), set.height(), set.width()};
    return new ViewBatch(epoch, step, indices, v1, v2, shape);
  }

  @Override
  public void close() {
    pool.shutdownNow();
  }
}
