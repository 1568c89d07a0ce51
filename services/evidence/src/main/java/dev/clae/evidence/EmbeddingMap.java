package dev.clae.evidence;

import ai.djl.ndarray.NDManager;
import dev.clae.config.Keys;
import dev.clae.data.ImageSet;
import dev.clae.eval.FeatureExtractor;
import dev.clae.eval.FeatureSet;
import dev.clae.train.EngineSetup;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import smile.manifold.TSNE;
import smile.math.MathEx;

/**
 * {@code clae embed --run DIR --out FILE.csv [--points N]}: a 2-D t-SNE map (van der Maaten and
 * Hinton 2008, Smile's implementation) of the features a finished run's encoder gives the first
 * {@code N} test images, through the clean batch norms, the features kNN and the linear probe read.
 * Rows are {@code x,y,label,class}; the plot is drawn from them by {@code clae evidence-report}.
 */
public final class EmbeddingMap {
  /** t-SNE perplexity, the usual middle value. */
  static final double PERPLEXITY = 30;

  /** t-SNE learning rate. */
  static final double LEARNING_RATE = 200;

  /** t-SNE iterations. */
  static final int ITERATIONS = 1000;

  private EmbeddingMap() {}

  /** Runs the command and writes the CSV. */
  public static void run(Path runDir, int points, Path out, List<String> overrides)
      throws Exception {
    FeatureSet f;
    List<String> names;
    try (NDManager m = NDManager.newBaseManager()) {
      TrainedRun r = TrainedRun.load(runDir, overrides, m);
      EngineSetup.prepareThread();
      ImageSet test = r.data.test().first(Math.min(points, r.data.test().size()));
      names = test.classNames();
      boolean embedding = "embedding".equals(r.config.get(Keys.EVAL_FEATURES));
      f =
          new FeatureExtractor(r.net, r.augmenter, r.config.get(Keys.EVAL_BATCH), embedding)
              .extract(test, m);
    }
    double[][] coords = map(f, 7);
    StringBuilder csv = new StringBuilder("x,y,label,class\n");
    for (int i = 0; i < coords.length; i++) {
      int label = f.labels()[i];
      String name = label < names.size() ? names.get(label).replace(',', ' ') : "";
      csv.append(
          String.format(Locale.ROOT, "%.4f,%.4f,%d,%s%n", coords[i][0], coords[i][1], label, name));
    }
    Files.createDirectories(out.toAbsolutePath().getParent());
    Files.writeString(out, csv, StandardCharsets.UTF_8);
  }

  /** Returns the 2-D t-SNE coordinates of L2-normalised feature rows. */
  static double[][] map(FeatureSet f, long seed) {
    double[][] x = new double[f.size()][f.dim()];
    for (int i = 0; i < f.size(); i++) {
      double norm = 0;
      for (int j = 0; j < f.dim(); j++) {
        double v = f.values()[i * f.dim() + j];
        x[i][j] = v;
        norm += v * v;
      }
      norm = Math.sqrt(Math.max(norm, 1e-12));
      for (int j = 0; j < f.dim(); j++) {
        x[i][j] /= norm;
      }
    }
    MathEx.setSeed(seed);
    return new TSNE(x, 2, PERPLEXITY, LEARNING_RATE, ITERATIONS).coordinates;
  }
}
