package dev.clae.augmenter;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.clae.augment.AugmentSettings;
import dev.clae.augment.Normalization;
import dev.clae.augment.ViewAugmenter;
import dev.clae.augment.ViewBatch;
import dev.clae.augment.ViewBatcher;
import dev.clae.config.ClaeConfig;
import dev.clae.config.Keys;
import dev.clae.data.Dataset;
import dev.clae.data.Datasets;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The views of one run: its training images, normalisation and seeded batcher, exactly as {@code
 * clae train} builds them, so that batch {@code b} here is batch {@code b} there.
 */
final class RunViews implements AutoCloseable {
  private final Dataset data;
  private final Normalization norm;
  private final ViewBatcher batcher;
  private final int epochs;
  private int orderEpoch = -1;
  private int[] order;

  /**
   * Loads the data of a run.
   *
   * @throws dev.clae.data.DataException or {@link dev.clae.config.ConfigException} naming the file
   *     or key when the data cannot be used
   */
  RunViews(ClaeConfig config) {
    this.data = Datasets.load(config);
    this.norm = Normalization.of(data.train());
    ViewAugmenter augmenter = new ViewAugmenter(AugmentSettings.of(config), norm);
    int batch = config.get(Keys.BATCH_SIZE);
    if (batch > data.train().size()) {
      throw new dev.clae.config.ConfigException(
          "train.batch.size=" + batch + " exceeds the " + data.train().size() + " training images");
    }
    this.batcher =
        new ViewBatcher(
            data.train(),
            augmenter,
            batch,
            config.get(Keys.SEED),
            config.get(Keys.AUGMENT_THREADS));
    this.epochs = config.get(Keys.EPOCHS);
  }

  /** Returns batches an epoch. */
  int stepsPerEpoch() {
    return batcher.stepsPerEpoch();
  }

  /** Returns the run's epochs. */
  int epochs() {
    return epochs;
  }

  /** Returns the number of batches of the whole run. */
  long totalBatches() {
    return (long) epochs * stepsPerEpoch();
  }

  /** Makes the views of global batch {@code b}. */
  ViewBatch make(long b) throws Exception {
    int epoch = (int) (b / stepsPerEpoch());
    int step = (int) (b % stepsPerEpoch());
    if (epoch != orderEpoch) {
      order = batcher.order(epoch);
      orderEpoch = epoch;
    }
    return batcher.make(epoch, step, order);
  }

  /** Returns the description written to {@code data.json}. */
  byte[] describe() throws Exception {
    Map<String, Object> d = new LinkedHashMap<>(data.source());
    d.put("name", data.name());
    d.put("train_images", data.train().size());
    d.put("test_images", data.test().size());
    d.put("channels", data.train().channels());
    d.put("height", data.train().height());
    d.put("width", data.train().width());
    d.put("steps_per_epoch", stepsPerEpoch());
    d.put("epochs", epochs);
    d.put("normalization_mean", norm.mean());
    d.put("normalization_std", norm.std());
    return new ObjectMapper().writerWithDefaultPrettyPrinter().writeValueAsBytes(d);
  }

  @Override
  public void close() {
    batcher.close();
  }
}
