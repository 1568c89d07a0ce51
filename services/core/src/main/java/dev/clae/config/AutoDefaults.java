package dev.clae.config;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * Replaces {@code auto} values by the method's reference defaults (see {@link Keys}). Keys that
 * depend on other keys (the kNN temperature on the loss temperature, the learning rate on the
 * optimiser) are resolved after the keys they read.
 */
final class AutoDefaults {
  /** Folders searched for Fashion-MNIST when {@code data.path=auto}, in order. */
  static final String DEBIAN_FASHION_MNIST = "/usr/share/datasets/fashion-mnist";

  private AutoDefaults() {}

  static void resolve(Map<String, String> v) {
    boolean simclr = "simclr".equals(v.get(Keys.METHOD.name()));
    auto(v, Keys.TEMPERATURE, simclr ? "0.5" : "0.1");
    auto(v, Keys.EPOCHS, simclr ? "100" : "301");
    auto(v, Keys.BATCH_SIZE, simclr ? "256" : "128");
    auto(v, Keys.HEAD_DIM, simclr ? "64" : "128");
    int features = featureDim(v);
    auto(v, Keys.HEAD_HIDDEN, simclr ? String.valueOf(features) : "0");
    auto(v, Keys.OPTIMIZER, simclr ? "adam" : "sgd");
    boolean adam = "adam".equals(v.get(Keys.OPTIMIZER.name()));
    auto(v, Keys.LR, adam ? "3e-4" : "0.03");
    auto(v, Keys.WEIGHT_DECAY, adam ? "0" : "5e-4");
    auto(v, Keys.LR_MILESTONES, adam ? "" : "120,160,200");
    auto(v, Keys.CROP_SCALE_MIN, simclr ? "0.08" : "0.2");
    auto(v, Keys.JITTER_PROB, simclr ? "0.8" : "1.0");
    auto(v, Keys.JITTER_BRIGHTNESS, simclr ? "0.8" : "0.4");
    auto(v, Keys.JITTER_CONTRAST, simclr ? "0.8" : "0.4");
    auto(v, Keys.JITTER_SATURATION, simclr ? "0.8" : "0.4");
    auto(v, Keys.JITTER_HUE, simclr ? "0.2" : "0.4");
    auto(v, Keys.KNN_TEMPERATURE, v.get(Keys.TEMPERATURE.name()));
    auto(v, Keys.EVAL_FEATURES, simclr ? "backbone" : "embedding");
    auto(v, Keys.DATA_PATH, defaultDataPath(v.get(Keys.DATA.name())));
    auto(v, Keys.OUTPUT_DIR, defaultOutput(v));
  }

  private static int featureDim(Map<String, String> v) {
    double width = Keys.ENCODER_WIDTH.parse(v.get(Keys.ENCODER_WIDTH.name()));
    boolean resnet = "resnet18".equals(v.get(Keys.ENCODER.name()));
    return ClaeConfig.scaledChannels(resnet ? 512 : 128, width);
  }

  private static void auto(Map<String, String> v, Key<?> key, String value) {
    if (Key.AUTO.equals(v.get(key.name()))) {
      v.put(key.name(), value);
    }
  }

  private static String defaultDataPath(String data) {
    if ("fashion-mnist".equals(data)) {
      Path cache = Path.of(System.getProperty("user.home"), ".cache", "clae", "fashion-mnist");
      if (!Files.isDirectory(Path.of(DEBIAN_FASHION_MNIST)) && Files.isDirectory(cache)) {
        return cache.toString();
      }
      return DEBIAN_FASHION_MNIST;
    }
    return "";
  }

  private static String defaultOutput(Map<String, String> v) {
    String adv = "true".equals(v.get(Keys.ADV_ENABLED.name())) ? "-clae" : "";
    return "runs/"
        + v.get(Keys.METHOD.name())
        + adv
        + "-"
        + v.get(Keys.DATA.name())
        + "-seed"
        + v.get(Keys.SEED.name());
  }
}
