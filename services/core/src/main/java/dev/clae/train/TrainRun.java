package dev.clae.train;

import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.clae.attack.Fgsm;
import dev.clae.augment.AugmentSettings;
import dev.clae.augment.Normalization;
import dev.clae.augment.ViewAugmenter;
import dev.clae.augment.ViewBatch;
import dev.clae.augment.ViewBatcher;
import dev.clae.config.ClaeConfig;
import dev.clae.config.ConfigException;
import dev.clae.config.Keys;
import dev.clae.data.Dataset;
import dev.clae.data.Datasets;
import dev.clae.encoder.ContrastiveNet;
import dev.clae.encoder.Networks;
import dev.clae.eval.Evaluator;
import dev.clae.eval.FeatureSet;
import dev.clae.loss.Losses;
import dev.clae.optim.LearningRate;
import dev.clae.optim.Optimizer;
import dev.clae.optim.Optimizers;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A whole run in one process, as {@code clae train} does it: load and check the data, build the
 * network, train for {@code train.epochs} with checkpoints at epoch boundaries (resuming from the
 * newest one when its configuration matches), then evaluate and write {@code result.json}, the loss
 * curve as CSV and PNG, into {@code output.dir}.
 */
public final class TrainRun {
  private static final Logger LOG = LoggerFactory.getLogger(TrainRun.class);
  private static final ObjectMapper JSON = new ObjectMapper();

  /** Keys that may differ between a checkpoint and the run resuming from it. */
  private static final List<String> RESUMABLE_PREFIXES =
      List.of(
          "output.dir",
          "train.resume",
          "train.log.",
          "train.epochs",
          "eval.",
          "engine.threads",
          "augment.threads",
          "checkpoint.",
          "bench.",
          "pipeline.",
          "device");

  private final ClaeConfig config;
  private final Path out;
  private Dataset data;
  private Device device;

  /** Prepares a run of a validated configuration. */
  public TrainRun(ClaeConfig config) {
    this.config = config;
    this.out = Path.of(config.get(Keys.OUTPUT_DIR));
  }

  /**
   * Loads the data and checks the configuration against it. Everything that can be wrong with the
   * input fails here, before any training.
   *
   * @throws ConfigException or {@link dev.clae.data.DataException} naming the key or file
   */
  public void prepare() {
    device = EngineSetup.configure(config);
    data = Datasets.load(config);
    int batch = config.get(Keys.BATCH_SIZE);
    if (batch > data.train().size()) {
      throw new ConfigException(
          "train.batch.size="
              + batch
              + " exceeds the "
              + data.train().size()
              + " training images (see data.train.limit)");
    }
    if (data.test().size() == 0) {
      throw new ConfigException("data.test.limit: the test split is empty");
    }
  }

  /**
   * Trains and evaluates, writing results to {@code output.dir}.
   *
   * @return the contents of {@code result.json}
   */
  public Map<String, Object> run() throws IOException {
    if (data == null) {
      prepare();
    }
    Files.createDirectories(out.resolve("checkpoints"));
    Normalization norm = Normalization.of(data.train());
    ViewAugmenter augmenter = new ViewAugmenter(AugmentSettings.of(config), norm);
    Evaluator evaluator = new Evaluator(config, data, augmenter);
    Map<String, Object> provenance = Provenance.collect(data, norm, device.toString());
    long seed = config.get(Keys.SEED);
    Engine.getInstance().setRandomSeed(Long.hashCode(seed));
    Shape image = new Shape(data.train().channels(), data.train().height(), data.train().width());
    try (NDManager manager = NDManager.newBaseManager(device)) {
      ContrastiveNet net = Networks.create(config, image, manager);
      try (Optimizer optimizer = Optimizers.create(config, net.trainableParameters(), manager)) {
        State state = restore(net, optimizer, manager);
        if (!state.extras.containsKey("knn_top1_untrained")) {
          untrained(evaluator, net, manager, state.extras);
        }
        train(net, optimizer, augmenter, evaluator, state, manager);
        return finish(net, evaluator, state, provenance, manager);
      }
    }
  }

  /** Scores the encoder at initialisation, the floor a trained encoder must beat. */
  private void untrained(
      Evaluator evaluator, ContrastiveNet net, NDManager manager, Map<String, Object> extras) {
    if (!config.get(Keys.EVAL_UNTRAINED)) {
      extras.put("knn_top1_untrained", null);
      extras.put("linear_top1_untrained", null);
      return;
    }
    FeatureSet[] features = evaluator.features(net, manager);
    double knn = evaluator.knn(features, manager);
    double linear = evaluator.linear(features, manager);
    extras.put("knn_top1_untrained", knn);
    extras.put("linear_top1_untrained", Double.isNaN(linear) ? null : linear);
    LOG.info("untrained encoder: kNN top-1 {}, linear top-1 {}", fmt(knn), fmt(linear));
  }

  /** Mutable progress of a run, restored from and saved to checkpoints. */
  private static final class State {
    int epochsDone;
    double trainSeconds;
    int resumedFrom = -1;
    final List<StepRecord> history = new ArrayList<>();
    final Map<String, Object> extras = new LinkedHashMap<>();
  }

  private State restore(ContrastiveNet net, Optimizer optimizer, NDManager manager)
      throws IOException {
    State state = new State();
    state.extras.put("knn_curve", new ArrayList<Map<String, Object>>());
    Path latest = latestCheckpoint();
    if (latest == null) {
      return state;
    }
    if (!config.get(Keys.RESUME)) {
      LOG.info("train.resume=false: starting afresh, removing checkpoints in {}", out);
      clearCheckpoints();
      return state;
    }
    Checkpoint ckpt = Checkpoint.read(latest);
    checkCompatible(ckpt.config(), latest);
    net.loadWeights(ckpt.weights(), manager);
    try (NDManager scratch = manager.newSubManager()) {
      optimizer.loadState(NDList.decode(scratch, ckpt.optimizerState()), ckpt.optimizerSteps());
    }
    state.epochsDone = ckpt.epochsDone();
    state.trainSeconds = ckpt.trainSeconds();
    state.resumedFrom = ckpt.epochsDone();
    state.history.addAll(ckpt.history());
    state.extras.putAll(ckpt.extras());
    LOG.info(
        "resuming from {} after epoch {} ({} optimiser steps)",
        latest,
        ckpt.epochsDone(),
        ckpt.optimizerSteps());
    return state;
  }

  private void checkCompatible(Map<String, String> saved, Path file) {
    for (Map.Entry<String, String> e : config.asMap().entrySet()) {
      String key = e.getKey();
      if (RESUMABLE_PREFIXES.stream().anyMatch(key::startsWith)) {
        continue;
      }
      String before = saved.get(key);
      if (!e.getValue().equals(before)) {
        throw new ConfigException(
            file
                + " was written with "
                + key
                + "="
                + before
                + ", this run"
                + " has "
                + key
                + "="
                + e.getValue()
                + "; use another output.dir or set"
                + " train.resume=false to start afresh");
      }
    }
  }

  private void train(
      ContrastiveNet net,
      Optimizer optimizer,
      ViewAugmenter augmenter,
      Evaluator evaluator,
      State state,
      NDManager manager)
      throws IOException {
    int epochs = config.get(Keys.EPOCHS);
    int batch = config.get(Keys.BATCH_SIZE);
    boolean adversarial = config.get(Keys.ADV_ENABLED);
    Fgsm attack = adversarial ? new Fgsm(config.get(Keys.ADV_EPS)) : null;
    ClaeStep step =
        new ClaeStep(net, Losses.create(config), attack, config.get(Keys.ADV_ALPHA), optimizer);
    LearningRate schedule = Optimizers.schedule(config);
    int knnEvery = config.get(Keys.KNN_INTERVAL);
    int ckptEvery = config.get(Keys.CHECKPOINT_INTERVAL);
    try (ViewBatcher batcher =
        new ViewBatcher(
            data.train(),
            augmenter,
            batch,
            config.get(Keys.SEED),
            config.get(Keys.AUGMENT_THREADS))) {
      int steps = batcher.stepsPerEpoch();
      Progress progress = new Progress(config.get(Keys.LOG_INTERVAL), epochs, steps, batch);
      if (state.epochsDone < epochs) {
        LOG.info(
            "training {}{} on {} ({} images, {} steps an epoch) for epochs {}..{}",
            config.get(Keys.METHOD),
            adversarial ? "+CLAE" : "",
            data.name(),
            data.train().size(),
            steps,
            state.epochsDone + 1,
            epochs);
      }
      for (int epoch = state.epochsDone; epoch < epochs; epoch++) {
        double lr = schedule.at(epoch);
        long t0 = System.nanoTime();
        double cpu0 = processCpuSeconds();
        double sum = 0;
        int[] order = batcher.order(epoch);
        Future<ViewBatch> next = batcher.submit(epoch, 0, order);
        for (int s = 0; s < steps; s++) {
          ViewBatch b = await(next);
          if (s + 1 < steps) {
            next = batcher.submit(epoch, s + 1, order);
          }
          StepResult r = step.run(manager, b.view1(), b.view2(), b.shape(), lr);
          double seconds = state.trainSeconds + (System.nanoTime() - t0) / 1e9;
          state.history.add(
              new StepRecord(
                  optimizer.steps(), epoch, r.loss(), r.cleanLoss(), r.advLoss(), lr, seconds));
          sum += r.loss();
          progress.step(epoch, s, r, seconds);
        }
        double epochSeconds = (System.nanoTime() - t0) / 1e9;
        state.trainSeconds += epochSeconds;
        // CPU seconds of the whole process over the epoch's steps (all engine and view threads),
        // evaluation excluded: the compute a step costs, less sensitive than wall time to other
        // work on a shared machine.
        double cpu = processCpuSeconds() - cpu0;
        if (!Double.isNaN(cpu)) {
          state.extras.merge(
              "train_cpu_seconds",
              cpu,
              (a, b) -> ((Number) a).doubleValue() + ((Number) b).doubleValue());
        }
        state.epochsDone = epoch + 1;
        String knn = "";
        if (knnEvery > 0 && state.epochsDone % knnEvery == 0) {
          double acc = evaluator.knn(net, manager);
          knnCurve(state)
              .add(
                  Map.of(
                      "epoch",
                      state.epochsDone,
                      "knn_top1",
                      acc,
                      "train_seconds",
                      state.trainSeconds));
          knn = ", kNN top-1 " + fmt(acc);
        }
        LOG.info(
            "epoch {}/{}: loss {} lr {} {} img/s {}s{}",
            state.epochsDone,
            epochs,
            fmt(sum / steps),
            lr,
            Math.round(steps * batch / epochSeconds),
            Math.round(epochSeconds),
            knn);
        boolean last = state.epochsDone == epochs;
        if (last || (ckptEvery > 0 && state.epochsDone % ckptEvery == 0)) {
          saveCheckpoint(net, optimizer, state, manager);
        }
      }
    }
  }

  /** Returns the CPU time this process has used, in seconds (NaN where the JVM cannot tell). */
  public static double processCpuSeconds() {
    if (java.lang.management.ManagementFactory.getOperatingSystemMXBean()
        instanceof com.sun.management.OperatingSystemMXBean os) {
      long ns = os.getProcessCpuTime();
      return ns < 0 ? Double.NaN : ns / 1e9;
    }
    return Double.NaN;
  }

  @SuppressWarnings("unchecked")
  private static List<Map<String, Object>> knnCurve(State state) {
    return (List<Map<String, Object>>) state.extras.get("knn_curve");
  }

  private static ViewBatch await(Future<ViewBatch> f) {
    try {
      return f.get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while making views", e);
    } catch (ExecutionException e) {
      throw new IllegalStateException("making views failed: " + e.getCause(), e.getCause());
    }
  }

  private void saveCheckpoint(ContrastiveNet net, Optimizer optimizer, State s, NDManager m)
      throws IOException {
    byte[] optState;
    try (NDManager scratch = m.newSubManager()) {
      optState = optimizer.saveState(scratch).encode();
    }
    Checkpoint ckpt =
        new Checkpoint(
            config.asMap(),
            s.epochsDone,
            optimizer.steps(),
            s.trainSeconds,
            s.extras,
            net.saveWeights(),
            optState,
            s.history);
    Path file = out.resolve("checkpoints").resolve(String.format("epoch-%05d.ckpt", s.epochsDone));
    ckpt.write(file);
    pruneCheckpoints();
  }

  private List<Path> checkpoints() throws IOException {
    Path dir = out.resolve("checkpoints");
    if (!Files.isDirectory(dir)) {
      return List.of();
    }
    try (Stream<Path> s = Files.list(dir)) {
      return s.filter(p -> p.getFileName().toString().matches("epoch-\\d+\\.ckpt"))
          .sorted()
          .toList();
    }
  }

  private Path latestCheckpoint() throws IOException {
    List<Path> all = checkpoints();
    return all.isEmpty() ? null : all.get(all.size() - 1);
  }

  private void pruneCheckpoints() throws IOException {
    List<Path> all = checkpoints();
    int keep = config.get(Keys.CHECKPOINT_KEEP);
    for (int i = 0; i < all.size() - keep; i++) {
      Files.deleteIfExists(all.get(i));
    }
  }

  private void clearCheckpoints() throws IOException {
    for (Path p : checkpoints()) {
      Files.deleteIfExists(p);
    }
  }

  private Map<String, Object> finish(
      ContrastiveNet net,
      Evaluator evaluator,
      State state,
      Map<String, Object> provenance,
      NDManager manager)
      throws IOException {
    long t0 = System.nanoTime();
    FeatureSet[] features = evaluator.features(net, manager);
    double knn = evaluator.knn(features, manager);
    double linear = evaluator.linear(features, manager);
    double evalSeconds = (System.nanoTime() - t0) / 1e9;
    int epochs = config.get(Keys.EPOCHS);
    int batch = config.get(Keys.BATCH_SIZE);
    long images = (long) state.history.size() * batch;
    Map<String, Object> r = new LinkedHashMap<>();
    r.put("method", config.get(Keys.METHOD));
    r.put("adversarial", config.get(Keys.ADV_ENABLED));
    r.put("dataset", data.name());
    r.put("epochs", epochs);
    r.put("seed", config.get(Keys.SEED));
    r.put("knn_top1", knn);
    r.put("linear_top1", Double.isNaN(linear) ? null : linear);
    r.put("knn_top1_untrained", state.extras.get("knn_top1_untrained"));
    r.put("linear_top1_untrained", state.extras.get("linear_top1_untrained"));
    r.put("images_per_second", state.trainSeconds > 0 ? images / state.trainSeconds : 0);
    r.put("final_loss", lastEpochLoss(state.history));
    r.put("train_seconds", state.trainSeconds);
    r.put("train_cpu_seconds", state.extras.get("train_cpu_seconds"));
    r.put("eval_seconds", evalSeconds);
    r.put("optimizer_steps", state.history.size());
    r.put("forward_equivalent_passes", images * passesPerImage(config.get(Keys.ADV_ENABLED)));
    r.put("train_images", data.train().size());
    r.put("test_images", data.test().size());
    r.put("encoder", config.get(Keys.ENCODER) + " width " + config.get(Keys.ENCODER_WIDTH));
    r.put("accuracy_selection", "final epoch (no selection on test data)");
    r.put("knn_curve", state.extras.get("knn_curve"));
    r.put("resumed_from_epoch", state.resumedFrom < 0 ? null : state.resumedFrom);
    r.put("loss_curve", "loss_curve.csv");
    r.put("config", config.asMap());
    r.put("provenance", provenance);
    writeOutputs(r, state.history);
    LOG.info(
        "kNN top-1 {} (untrained {}), linear top-1 {}, {} img/s; results in {}",
        fmt(knn),
        fmtObj(state.extras.get("knn_top1_untrained")),
        fmt(linear),
        Math.round(((Number) r.get("images_per_second")).doubleValue()),
        out.resolve("result.json"));
    return r;
  }

  /**
   * Training compute of one image of a step in forward-pass equivalents, the unit in which a base
   * and a CLAE run are put at equal cost: a trained branch is a forward and a backward with input
   * and weight gradients (1 + 2); SimCLR trains two branches (6), CLAE adds the attack's forward
   * and input-only backward (1 + 1) and a third trained branch (3), 11 in all.
   */
  public static int passesPerImage(boolean adversarial) {
    return adversarial ? 11 : 6;
  }

  /** Returns the mean loss of the last epoch of a loss curve (NaN when it is empty). */
  public static double lastEpochLoss(List<StepRecord> history) {
    if (history.isEmpty()) {
      return Double.NaN;
    }
    int lastEpoch = history.get(history.size() - 1).epoch();
    return history.stream()
        .filter(h -> h.epoch() == lastEpoch)
        .mapToDouble(StepRecord::loss)
        .average()
        .orElse(Double.NaN);
  }

  private void writeOutputs(Map<String, Object> result, List<StepRecord> history)
      throws IOException {
    JSON.writerWithDefaultPrettyPrinter().writeValue(out.resolve("result.json").toFile(), result);
    StringBuilder csv = new StringBuilder(StepRecord.HEADER).append('\n');
    for (StepRecord h : history) {
      csv.append(h.csv()).append('\n');
    }
    Files.writeString(out.resolve("loss_curve.csv"), csv, StandardCharsets.UTF_8);
    String title =
        config.get(Keys.METHOD)
            + (config.get(Keys.ADV_ENABLED) ? " + CLAE" : "")
            + " on "
            + data.name();
    LossPlot.write(history, title, out.resolve("loss_curve.png"));
  }

  static String fmt(double v) {
    return Double.isNaN(v) ? "n/a" : String.format(java.util.Locale.ROOT, "%.4f", v);
  }

  private static String fmtObj(Object v) {
    return v instanceof Number n ? fmt(n.doubleValue()) : "n/a";
  }
}
