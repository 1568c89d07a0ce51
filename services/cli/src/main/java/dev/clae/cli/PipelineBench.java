package dev.clae.cli;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.clae.config.ClaeConfig;
import dev.clae.config.Keys;
import dev.clae.data.Datasets;
import dev.clae.local.LocalPipeline;
import dev.clae.proto.RunState;
import dev.clae.proto.RunStatus;
import dev.clae.train.TrainRun;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * {@code clae bench-pipeline --config FILE [--rounds N] [--variants 0:1,1:1,4:2] [--base] [--inline
 * BYTES] [--work DIR]}: training throughput of the pipeline against {@code clae train} for the same
 * config, on this machine, with the bytes a batch costs on the wire and where the trainer's and the
 * adversary's time goes.
 *
 * <p>Each round trains the config once in this process ({@code clae train}, all engine threads in
 * one process), then once through the pipeline for each variant {@code lag:adversaries}; variants
 * take turns so that machine noise hits them alike, and medians over rounds are reported. At a lag
 * of 0 the trainer and the adversary alternate, so each gets every core ({@code engine.threads} of
 * the config); at a lag of 1 or more they overlap, so each gets half the cores. A variant {@code
 * lag:adversaries:T:A:E} gives the trainer {@code T} and each adversary {@code A} engine threads
 * instead (0: the default) and the trainer {@code trainer.early.threads=E}; a suffix {@code
 * +NAME=VALUE} (repeatable) sets an environment variable of the trainer, the adversaries and the
 * augmenter, such as {@code GOMP_SPINCOUNT}, or {@code CLAE_KAFKA_INLINE_MAX_BYTES} to compare
 * views through the broker and through the store in one benchmark. Only training time counts
 * (evaluation is excluded in both modes); accuracy is reported beside it. With {@code --base} each
 * round also trains the config without CLAE in this process, so the report can put the trainer's
 * CPU seconds a batch beside a plain step's. {@code --inline} sets the pipeline's {@code
 * kafka.inline.max.bytes} (default: {@code clae local}'s).
 */
final class PipelineBench {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String INLINE_ENV = "CLAE_KAFKA_INLINE_MAX_BYTES";

  private PipelineBench() {}

  static int run(List<String> args, PrintStream out) throws Exception {
    List<String> configArgs = new ArrayList<>();
    int rounds = 1;
    List<Variant> variants = List.of(Variant.parse("0:1"), Variant.parse("1:1"));
    Path work = Path.of("runs", "bench-pipeline");
    boolean withBase = false;
    int inline = LocalPipeline.Options.defaults().inlineMaxBytes();
    for (int i = 0; i < args.size(); i++) {
      switch (args.get(i)) {
        case "--rounds" -> rounds = LocalCommand.number(args.get(++i), "--rounds");
        case "--variants" -> {
          variants = new ArrayList<>();
          for (String v : args.get(++i).split(",")) {
            variants.add(Variant.parse(v.trim()));
          }
        }
        case "--work" -> work = Path.of(args.get(++i));
        case "--base" -> withBase = true;
        case "--inline" -> inline = LocalCommand.inlineLimit(args.get(++i), "--inline");
        default -> configArgs.add(args.get(i));
      }
    }
    // Only training is timed; the untrained encoder's evaluation would run beside the first
    // epoch in the pipeline (before it in one process), so neither mode makes it here.
    ClaeConfig config = Main.parse(configArgs).toBuilder().set("eval.untrained", "false").build();
    int cores = config.get(Keys.THREADS) > 0 ? config.get(Keys.THREADS) : cores();
    int half = Math.max(1, cores / 2);
    Map<String, List<Map<String, Object>>> runs = new LinkedHashMap<>();
    // Topics are created once, so they must admit the largest inline limit any variant sets.
    int topicsInline = inline;
    for (Variant v : variants) {
      String x = v.env().get(INLINE_ENV);
      if (x != null) {
        topicsInline =
            Math.max(
                topicsInline,
                LocalCommand.inlineLimit(x, "variant " + v.name() + ": " + INLINE_ENV));
      }
    }
    // A missing or broken dataset fails here, before the broker and the services start.
    Datasets.load(config);
    LocalPipeline.Options options = new LocalPipeline.Options(1, cores, cores, 1, topicsInline);
    // Every service starts at the topics' limit; each variant then sets its own.
    Map<String, String> augmenterEnv = Map.of(INLINE_ENV, String.valueOf(topicsInline));
    try (LocalPipeline pipeline = LocalPipeline.start(work.resolve("pipeline"), options);
        CoordinatorClient client =
            new CoordinatorClient(pipeline.coordinatorAddress(), pipeline.apiToken())) {
      for (int r = 1; r <= rounds; r++) {
        Path dir = work.resolve("train-" + r);
        ClaeConfig c =
            config.toBuilder()
                .set("output.dir", dir.toString())
                .set("train.resume", "false")
                .set("engine.threads", String.valueOf(cores))
                .build();
        out.println("bench-pipeline: round " + r + ", clae train");
        runs.computeIfAbsent("train", k -> new ArrayList<>()).add(inProcess(c));
        if (withBase) {
          out.println("bench-pipeline: round " + r + ", clae train without CLAE");
          ClaeConfig b =
              c.toBuilder()
                  .set("adversarial.enabled", "false")
                  .set("output.dir", work.resolve("base-" + r).toString())
                  .build();
          runs.computeIfAbsent("train_base", k -> new ArrayList<>()).add(inProcess(b));
        }
        for (Variant v : variants) {
          int lag = v.lag();
          int adversaries = v.adversaries();
          int threads = v.trainerThreads() > 0 ? v.trainerThreads() : lag == 0 ? cores : half;
          int adversaryThreads =
              v.adversaryThreads() > 0 ? v.adversaryThreads() : lag == 0 ? cores : half;
          Map<String, String> carrierEnv = new HashMap<>(v.env());
          carrierEnv.putIfAbsent(INLINE_ENV, String.valueOf(inline));
          Map<String, String> trainerEnv = new HashMap<>(carrierEnv);
          if (v.earlyThreads() != null) {
            trainerEnv.put("CLAE_TRAINER_EARLY_THREADS", String.valueOf(v.earlyThreads()));
          }
          if (!carrierEnv.equals(augmenterEnv)) {
            pipeline.restart("augmenter", 1, carrierEnv);
            augmenterEnv = carrierEnv;
          }
          pipeline.restart("trainer", threads, trainerEnv);
          for (int a = 1; a <= adversaries; a++) {
            if (pipeline.services().containsKey("adversary-" + a)) {
              pipeline.restart("adversary-" + a, adversaryThreads, carrierEnv);
            } else {
              pipeline.addAdversary(adversaryThreads, carrierEnv);
            }
          }
          for (int a = adversaries + 1; pipeline.services().containsKey("adversary-" + a); a++) {
            pipeline.stop("adversary-" + a);
          }
          out.println(
              "bench-pipeline: round "
                  + r
                  + ", pipeline at lag "
                  + lag
                  + " with "
                  + adversaries
                  + " adversaries, "
                  + threads
                  + " trainer and "
                  + adversaryThreads
                  + " adversary threads"
                  + (v.env().isEmpty() ? "" : ", environment " + new TreeMap<>(v.env()))
                  + " ("
                  + v.name()
                  + ")");
          runs.computeIfAbsent(v.name(), k -> new ArrayList<>())
              .add(pipelineRun(pipeline, client, config, lag, threads, adversaryThreads));
        }
      }
    }
    Map<String, Object> report = new LinkedHashMap<>();
    report.put(
        "config",
        config.get(Keys.METHOD)
            + (config.get(Keys.ADV_ENABLED) ? "+CLAE" : "")
            + ", "
            + config.get(Keys.ENCODER)
            + " width "
            + config.get(Keys.ENCODER_WIDTH)
            + ", batch "
            + config.get(Keys.BATCH_SIZE)
            + ", "
            + config.get(Keys.EPOCHS)
            + " epochs");
    report.put("cores", cores);
    report.put("rounds", rounds);
    report.put("inline_max_bytes", inline);
    double base = median(runs.get("train"), "images_per_second");
    report.put("train_images_per_second", base);
    double trainCpu = median(runs.get("train"), "cpu_seconds_per_batch");
    report.put("train_cpu_seconds_per_batch", trainCpu);
    if (runs.containsKey("train_base")) {
      double ips = median(runs.get("train_base"), "images_per_second");
      report.put("train_base_images_per_second", ips);
      double cpu = median(runs.get("train_base"), "cpu_seconds_per_batch");
      report.put("train_base_cpu_seconds_per_batch", cpu);
      report.put("train_cpu_over_base_cpu", Math.round(trainCpu / cpu * 1000) / 1000.0);
    }
    for (Variant v : variants) {
      String k = v.name();
      double ips = median(runs.get(k), "images_per_second");
      report.put(k + "_images_per_second", ips);
      report.put(k + "_over_train", Math.round(ips / base * 1000) / 1000.0);
      // The trainer's own CPU a batch against all of a CLAE step's in one process: how much of
      // a step's compute leaves the trainer when the attack runs elsewhere.
      List<Double> trainer = new ArrayList<>();
      for (Map<String, Object> run : runs.get(k)) {
        trainer.add(
            ((Map<?, ?>) run.get("cpu_seconds_per_batch")).get("trainer") instanceof Number n
                ? n.doubleValue()
                : Double.NaN);
      }
      double t = medianOf(trainer);
      report.put(k + "_trainer_cpu_seconds_per_batch", t);
      report.put(k + "_trainer_cpu_over_train_cpu", Math.round(t / trainCpu * 1000) / 1000.0);
    }
    report.put("runs", runs);
    out.println(JSON.writerWithDefaultPrettyPrinter().writeValueAsString(report));
    Files.createDirectories(work);
    JSON.writerWithDefaultPrettyPrinter().writeValue(work.resolve("report.json").toFile(), report);
    return 0;
  }

  private static Map<String, Object> pipelineRun(
      LocalPipeline pipeline,
      CoordinatorClient client,
      ClaeConfig config,
      int lag,
      int threads,
      int adversaryThreads)
      throws IOException {
    Map<String, Double> trainer0 = metrics(pipeline, "trainer");
    Map<String, Double> adversary0 = metrics(pipeline, "adversary-1");
    Map<String, Double> augmenter0 = metrics(pipeline, "augmenter");
    Map<String, Double> cpu0 = pipeline.cpuSeconds();
    Map<String, String> spec = new LinkedHashMap<>(config.asMap());
    spec.put("pipeline.max.lag.steps", String.valueOf(lag));
    RunStatus s = client.submit(spec, "bench-lag" + lag);
    int status =
        RemoteCommands.watch(client, s.getRunId(), new PrintStream(PrintStream.nullOutputStream()));
    RunStatus end = client.get(s.getRunId());
    if (status != 0 || end.getState() != RunState.COMPLETED) {
      throw new IllegalStateException(
          "pipeline run " + s.getRunId() + " ended " + end.getState() + ": " + end.getMessage());
    }
    Map<String, Object> result =
        JSON.readValue(
            client.report(s.getRunId()).getResultJson(),
            new TypeReference<Map<String, Object>>() {});
    Map<String, Double> cpu1 = pipeline.cpuSeconds();
    Map<String, Object> m = summary(result);
    m.put("trainer_threads", threads);
    m.put("adversary_threads", adversaryThreads);
    m.put("pipeline", result.get("pipeline"));
    Map<String, Double> t = delta(metrics(pipeline, "trainer"), trainer0);
    Map<String, Double> a = delta(metrics(pipeline, "adversary-1"), adversary0);
    Map<String, Double> g = delta(metrics(pipeline, "augmenter"), augmenter0);
    double batches = ((Number) result.get("optimizer_steps")).doubleValue();
    Map<String, Object> time = new LinkedHashMap<>();
    time.put("trainer_step_seconds", per(t, "clae_trainer_step_seconds_total", batches));
    // A step begun while its adversarial view is made: its clean half, counted apart from the rest.
    time.put("trainer_early_seconds", per(t, "clae_trainer_early_seconds_total", batches));
    time.put(
        "trainer_begun_early_fraction", per(t, "clae_trainer_steps_begun_early_total", batches));
    time.put(
        "trainer_wait_adversarial_seconds",
        per(t, "clae_trainer_wait_adversarial_seconds_total", batches));
    time.put(
        "trainer_wait_views_seconds", per(t, "clae_trainer_wait_views_seconds_total", batches));
    time.put(
        "trainer_weights_publish_seconds",
        per(t, "clae_trainer_weights_publish_seconds_total", batches));
    time.put(
        "adversary_gradient_seconds", per(a, "clae_adversary_gradient_seconds_total", batches));
    time.put(
        "adversary_weights_load_seconds",
        per(a, "clae_adversary_weights_load_seconds_total", batches));
    time.put("adversary_publish_seconds", per(a, "clae_adversary_publish_seconds_total", batches));
    time.put("augment_seconds", per(g, "clae_augmenter_augment_seconds_total", batches));
    m.put("seconds_per_batch", time);
    Map<String, Object> bytes = new LinkedHashMap<>();
    double views = g.getOrDefault("clae_augmenter_view_batches_total", 0.0);
    bytes.put("views_message", views > 0 ? g.get("clae_augmenter_view_bytes_total") / views : 0);
    bytes.put(
        "views_payload", views > 0 ? g.get("clae_augmenter_view_payload_bytes_total") / views : 0);
    double adv = a.getOrDefault("clae_adversary_adversarial_batches_total", 0.0);
    bytes.put(
        "adversarial_message", adv > 0 ? a.get("clae_adversary_adversarial_bytes_total") / adv : 0);
    double snaps = t.getOrDefault("clae_trainer_weight_snapshots_total", 0.0);
    bytes.put(
        "weights_message",
        snaps > 0 ? t.get("clae_trainer_weight_message_bytes_total") / snaps : 0);
    bytes.put("weight_snapshots_per_batch", snaps / batches);
    m.put("bytes_per_batch", bytes);
    Map<String, Object> cpu = new LinkedHashMap<>();
    cpu1.forEach(
        (k, v) -> cpu.put(k, Math.round((v - cpu0.getOrDefault(k, 0.0)) / batches * 1e4) / 1e4));
    m.put("cpu_seconds_per_batch", cpu);
    return m;
  }

  /**
   * One pipeline configuration of a benchmark: {@code lag[:adversaries[:trainer threads[:adversary
   * threads[:early threads]]]]} and any number of {@code +NAME=VALUE} environment variables for the
   * trainer, the adversaries and the augmenter.
   */
  record Variant(
      int lag,
      int adversaries,
      int trainerThreads,
      int adversaryThreads,
      Integer earlyThreads,
      Map<String, String> env) {
    static Variant parse(String text) {
      String[] parts = text.split("\\+");
      String[] p = parts[0].split(":");
      if (p.length > 5 || parts[0].isBlank()) {
        throw new IllegalArgumentException(
            "--variants: '"
                + text
                + "' is not lag[:adversaries[:trainer threads[:adversary threads[:early"
                + " threads]]]][+NAME=VALUE...]");
      }
      int[] v = {0, 1, 0, 0};
      for (int j = 0; j < Math.min(p.length, 4); j++) {
        v[j] = LocalCommand.number(p[j], "--variants " + text + ":");
      }
      Integer early = p.length > 4 ? LocalCommand.number(p[4], "--variants " + text + ":") : null;
      Map<String, String> env = new LinkedHashMap<>();
      for (int j = 1; j < parts.length; j++) {
        int eq = parts[j].indexOf('=');
        if (eq <= 0) {
          throw new IllegalArgumentException(
              "--variants: '" + parts[j] + "' in '" + text + "' is not NAME=VALUE");
        }
        env.put(parts[j].substring(0, eq), parts[j].substring(eq + 1));
      }
      return new Variant(v[0], v[1], v[2], v[3], early, Map.copyOf(env));
    }

    /** The variant's key in the report. */
    String name() {
      StringBuilder b = new StringBuilder("pipeline_lag").append(lag);
      if (adversaries > 1) {
        b.append('_').append(adversaries).append("adversaries");
      }
      if (trainerThreads > 0 || adversaryThreads > 0) {
        b.append("_threads").append(trainerThreads).append('x').append(adversaryThreads);
      }
      if (earlyThreads != null) {
        b.append(earlyThreads < 0 ? "_noearly" : "_early" + earlyThreads);
      }
      new TreeMap<>(env).forEach((k, x) -> b.append('_').append(k).append('=').append(x));
      return b.toString();
    }
  }

  private static Map<String, Object> summary(Map<String, Object> result) {
    Map<String, Object> m = new LinkedHashMap<>();
    for (String k :
        List.of(
            "images_per_second",
            "train_seconds",
            "knn_top1",
            "linear_top1",
            "final_loss",
            "optimizer_steps")) {
      m.put(k, result.get(k));
    }
    return m;
  }

  private static Map<String, Double> metrics(LocalPipeline p, String service) throws IOException {
    Map<String, Double> m = new HashMap<>();
    for (String line : p.metrics(service).split("\n")) {
      int sp = line.lastIndexOf(' ');
      if (sp > 0) {
        m.put(line.substring(0, sp), Double.parseDouble(line.substring(sp + 1)));
      }
    }
    return m;
  }

  private static Map<String, Double> delta(Map<String, Double> after, Map<String, Double> before) {
    Map<String, Double> d = new HashMap<>();
    after.forEach((k, v) -> d.put(k, v - before.getOrDefault(k, 0.0)));
    return d;
  }

  private static double per(Map<String, Double> m, String key, double batches) {
    return Math.round(m.getOrDefault(key, 0.0) / batches * 10000) / 10000.0;
  }

  private static double median(List<Map<String, Object>> runs, String key) {
    List<Double> v = new ArrayList<>();
    for (Map<String, Object> r : runs) {
      v.add(((Number) r.get(key)).doubleValue());
    }
    return medianOf(v);
  }

  private static double medianOf(List<Double> v) {
    v.sort(null);
    int n = v.size();
    return n % 2 == 1 ? v.get(n / 2) : (v.get(n / 2 - 1) + v.get(n / 2)) / 2;
  }

  /** Trains {@code c} in this process and returns its summary with CPU seconds a batch. */
  private static Map<String, Object> inProcess(ClaeConfig c) throws Exception {
    Map<String, Object> full = new TrainRun(c).run();
    Map<String, Object> t = summary(full);
    t.put(
        "cpu_seconds_per_batch",
        ((Number) full.get("train_cpu_seconds")).doubleValue()
            / ((Number) t.get("optimizer_steps")).doubleValue());
    return t;
  }

  private static int cores() {
    return Runtime.getRuntime().availableProcessors();
  }
}
