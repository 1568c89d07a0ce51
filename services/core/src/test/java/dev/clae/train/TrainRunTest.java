package dev.clae.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.clae.config.ClaeConfig;
import dev.clae.config.ConfigException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Short end-to-end runs on synthetic data: learning, outputs, and exact resumption. */
class TrainRunTest {
  @TempDir Path dir;

  static ClaeConfig.Builder small(Path out) {
    return ClaeConfig.builder()
        .set("data.name", "synthetic")
        .set("data.synthetic.train.size", "512")
        .set("data.synthetic.test.size", "300")
        .set("data.synthetic.image.size", "16")
        .set("encoder.name", "convnet")
        .set("encoder.width", "0.5")
        .set("train.batch.size", "64")
        .set("optimizer.lr", "1e-3")
        .set("eval.linear.epochs", "30")
        .set("eval.linear.lr", "1e-2")
        .set("eval.knn.k", "20")
        .set("engine.threads", "2")
        .set("output.dir", out.toString());
  }

  @Test
  void trainingBeatsTheUntrainedEncoderAndWritesItsOutputs() throws Exception {
    // SimCLR with Adam at 2e-3 learns these shapes in 24 epochs with a wide margin on every seed
    // tried (kNN +0.17 and +0.22 over the untrained encoder for seeds 0 and 1).
    Path out = dir.resolve("run");
    Map<String, Object> r =
        new TrainRun(
                small(out)
                    .set("method", "simclr")
                    .set("optimizer.lr", "2e-3")
                    .set("train.epochs", "24")
                    .build())
            .run();
    double knn = ((Number) r.get("knn_top1")).doubleValue();
    double untrained = ((Number) r.get("knn_top1_untrained")).doubleValue();
    double[] epochLoss = epochMeans(out.resolve("loss_curve.csv"), 24);
    assertTrue(
        epochLoss[23] < epochLoss[0] - 0.2,
        "mean loss of epoch 1 " + epochLoss[0] + ", of epoch 24 " + epochLoss[23]);
    assertTrue(knn > untrained + 0.05, "kNN " + knn + " vs untrained " + untrained);
    Map<?, ?> json = new ObjectMapper().readValue(out.resolve("result.json").toFile(), Map.class);
    for (String field :
        List.of(
            "method",
            "adversarial",
            "dataset",
            "epochs",
            "seed",
            "knn_top1",
            "linear_top1",
            "knn_top1_untrained",
            "images_per_second",
            "final_loss",
            "train_seconds",
            "train_cpu_seconds",
            "config",
            "provenance")) {
      assertTrue(json.containsKey(field), "result.json lacks " + field);
    }
    assertEquals(true, json.get("adversarial"));
    assertEquals("synthetic", json.get("dataset"));
    assertEquals("simclr", json.get("method"));
    double seconds = ((Number) json.get("train_seconds")).doubleValue();
    double cpu = ((Number) json.get("train_cpu_seconds")).doubleValue();
    // Two engine threads and one view thread (plus the JVM's own) cannot use more than a few CPU
    // seconds a second; a training loop that ran used some.
    assertTrue(cpu > 0.1 * seconds && cpu < 6 * seconds, cpu + " CPU s in " + seconds + " s");
    List<String> csv = Files.readAllLines(out.resolve("loss_curve.csv"));
    assertEquals(StepRecord.HEADER, csv.get(0));
    assertEquals(1 + 24 * 8, csv.size(), "a header and one row a step: 24 epochs of 8 steps");
    assertTrue(Files.size(out.resolve("loss_curve.png")) > 1000);
    Map<?, ?> provenance = (Map<?, ?>) json.get("provenance");
    assertTrue(provenance.containsKey("code_version") && provenance.containsKey("engine"));
  }

  @Test
  void resumingFromACheckpointReproducesTheUninterruptedRun() throws Exception {
    // A thread collects garbage every few milliseconds throughout: a graph that reads host memory
    // the collector may free (docs/core.md, "Memory the graph reads") makes the two runs differ.
    Thread collector =
        new Thread(
            () -> {
              while (!Thread.currentThread().isInterrupted()) {
                System.gc();
                try {
                  Thread.sleep(5);
                } catch (InterruptedException e) {
                  return;
                }
              }
            },
            "gc-stress");
    collector.setDaemon(true);
    collector.start();
    try {
      Path straight = dir.resolve("straight");
      Path split = dir.resolve("split");
      new TrainRun(uel(straight, 3)).run();
      new TrainRun(uel(split, 2)).run();
      Map<String, Object> resumed = new TrainRun(uel(split, 3)).run();
      assertEquals(2, resumed.get("resumed_from_epoch"));
      List<String> a = Files.readAllLines(straight.resolve("loss_curve.csv"));
      List<String> b = Files.readAllLines(split.resolve("loss_curve.csv"));
      assertEquals(a.size(), b.size());
      for (int i = 1; i < a.size(); i++) {
        double x = Double.parseDouble(a.get(i).split(",")[2]);
        double y = Double.parseDouble(b.get(i).split(",")[2]);
        assertEquals(x, y, 1e-4, "loss of step " + i + " after resuming");
      }
      Checkpoint ca = Checkpoint.read(straight.resolve("checkpoints/epoch-00003.ckpt"));
      Checkpoint cb = Checkpoint.read(split.resolve("checkpoints/epoch-00003.ckpt"));
      assertEquals(ca.optimizerSteps(), cb.optimizerSteps());
      assertArrayEquals(ca.weights(), cb.weights(), "weights after 3 epochs");
    } finally {
      collector.interrupt();
      collector.join();
    }
  }

  /** A UEL run of {@code epochs} into {@code out}, with no evaluation but the final kNN. */
  private static ClaeConfig uel(Path out, int epochs) {
    return small(out)
        .set("eval.untrained", "false")
        .set("eval.linear.epochs", "0")
        .set("method", "uel")
        .set("train.epochs", String.valueOf(epochs))
        .build();
  }

  @Test
  void aCheckpointOfAnotherConfigurationIsRefused() throws Exception {
    Path out = dir.resolve("run");
    new TrainRun(small(out).set("train.epochs", "1").set("eval.linear.epochs", "0").build()).run();
    ConfigException e =
        assertThrows(
            ConfigException.class,
            () ->
                new TrainRun(
                        small(out).set("train.epochs", "2").set("adversarial.eps", "0.1").build())
                    .run());
    assertTrue(
        e.getMessage().contains("adversarial.eps=0.03, this run has adversarial.eps=0.1"),
        e.getMessage());
  }

  @Test
  void batchLargerThanTheDataIsRefusedBeforeTraining() {
    ClaeConfig c = small(dir.resolve("x")).set("data.train.limit", "50").build();
    ConfigException e = assertThrows(ConfigException.class, () -> new TrainRun(c).prepare());
    assertEquals(
        "train.batch.size=64 exceeds the 50 training images (see data.train.limit)",
        e.getMessage());
  }

  /** Returns the mean loss of each epoch from a loss curve CSV (loss is its third column). */
  static double[] epochMeans(Path csv, int epochs) throws Exception {
    double[] sum = new double[epochs];
    int[] n = new int[epochs];
    for (String line : Files.readAllLines(csv).subList(1, Files.readAllLines(csv).size())) {
      String[] f = line.split(",");
      int e = Integer.parseInt(f[1]);
      sum[e] += Double.parseDouble(f[2]);
      n[e]++;
    }
    for (int e = 0; e < epochs; e++) {
      sum[e] /= n[e];
    }
    return sum;
  }
}
