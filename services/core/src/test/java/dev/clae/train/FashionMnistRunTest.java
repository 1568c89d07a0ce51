package dev.clae.train;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.clae.config.ClaeConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A short CLAE run on a slice of the real Fashion-MNIST: after training, kNN accuracy beats the
 * same encoder at initialisation. The data comes from the Debian package dataset-fashion-mnist
 * (./clae test installs it) or FASHION_MNIST_DIR.
 */
class FashionMnistRunTest {
  static Path dataDir() {
    String env = System.getenv("FASHION_MNIST_DIR");
    Path dir = Path.of(env != null ? env : "/usr/share/datasets/fashion-mnist");
    if (!Files.isRegularFile(dir.resolve("train-images-idx3-ubyte.gz"))) {
      Path cache = Path.of(System.getProperty("user.home"), ".cache/clae/fashion-mnist");
      if (Files.isRegularFile(cache.resolve("train-images-idx3-ubyte.gz"))) {
        return cache;
      }
    }
    return dir;
  }

  @Test
  void claeOnASliceBeatsTheUntrainedEncoder(@TempDir Path out) throws Exception {
    Path data = dataDir();
    assertTrue(
        Files.isRegularFile(data.resolve("train-images-idx3-ubyte.gz")),
        "Fashion-MNIST is missing in " + data + ": run ./deploy/fetch-fashion-mnist.sh");
    ClaeConfig c =
        ClaeConfig.builder()
            .set("data.name", "fashion-mnist")
            .set("data.path", data.toString())
            .set("data.train.limit", "2048")
            .set("data.test.limit", "1000")
            .set("method", "simclr")
            .set("encoder.name", "convnet")
            .set("encoder.width", "0.5")
            .set("train.epochs", "6")
            .set("train.batch.size", "128")
            .set("optimizer.lr", "2e-3")
            .set("eval.linear.epochs", "0")
            .set("eval.knn.k", "50")
            .set("engine.threads", "2")
            .build();
    Map<String, Object> r =
        new TrainRun(c.toBuilder().set("output.dir", out.toString()).build()).run();
    double knn = ((Number) r.get("knn_top1")).doubleValue();
    double untrained = ((Number) r.get("knn_top1_untrained")).doubleValue();
    // Measured: kNN 0.7070 against 0.6460 untrained.
    assertTrue(knn > untrained + 0.02, "kNN " + knn + " vs untrained " + untrained);
  }
}
