package dev.clae.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.clae.bench.Bench;
import dev.clae.config.ClaeConfig;
import dev.clae.config.ConfigException;
import dev.clae.config.Key;
import dev.clae.config.Keys;
import dev.clae.data.DataException;
import dev.clae.train.TrainRun;
import dev.clae.train.TrainingDivergedException;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.MDC;

/**
 * The {@code clae} command line: {@code train}, {@code bench} and {@code keys}. Bad arguments,
 * configuration values and data fail with exit status 2 and one line naming the key or file, before
 * any training starts.
 */
public final class Main {
  /** Exit status for bad arguments, configuration or data. */
  static final int USAGE = 2;

  /** Exit status when training diverged. */
  static final int DIVERGED = 3;

  private static final ObjectMapper JSON = new ObjectMapper();

  private Main() {}

  /** Entry point. */
  public static void main(String[] args) {
    int status = run(args, System.out, System.err);
    System.exit(status);
  }

  /** Runs a command and returns its exit status. */
  static int run(String[] args, PrintStream out, PrintStream err) {
    if (args.length == 0 || List.of("help", "-h", "--help").contains(args[0])) {
      out.print(usage());
      return args.length == 0 ? USAGE : 0;
    }
    List<String> rest = Arrays.asList(args).subList(1, args.length);
    try {
      switch (args[0]) {
        case "train":
          return train(parse(rest), out);
        case "bench":
          return bench(parse(rest), out);
        case "keys":
          printKeys(out);
          return 0;
        case "local":
          return LocalCommand.run(rest, out, err);
        case "bench-pipeline":
          return PipelineBench.run(rest, out);
        case "perturb", "embed", "evidence-report":
          return EvidenceCommands.run(args[0], rest, out);
        case "submit", "watch", "status", "cancel", "report":
          return RemoteCommands.run(args[0], RemoteCommands.parse(rest, System.getenv()), out, err);
        default:
          err.println(
              "clae: unknown command '"
                  + args[0]
                  + "'; commands: train, bench, keys, local, submit, watch, status, cancel,"
                  + " report");
          return USAGE;
      }
    } catch (IllegalArgumentException | DataException e) {
      // ConfigException is an IllegalArgumentException: bad keys, values and arguments alike.
      err.println("clae: error: " + e.getMessage());
      return USAGE;
    } catch (TrainingDivergedException e) {
      err.println("clae: training diverged: " + e.getMessage());
      return DIVERGED;
    } catch (Exception e) {
      err.println("clae: failed: " + e);
      e.printStackTrace(err);
      return 1;
    }
  }

  /** Parses {@code [--config FILE] [--set key=value ...]} into a validated configuration. */
  static ClaeConfig parse(List<String> args) {
    ClaeConfig.Builder b = ClaeConfig.builder();
    Path file = null;
    List<String> sets = new java.util.ArrayList<>();
    for (int i = 0; i < args.size(); i++) {
      String a = args.get(i);
      if (a.equals("--config") || a.equals("--set")) {
        if (i + 1 >= args.size()) {
          throw new ConfigException(a + " needs a value");
        }
        String v = args.get(++i);
        if (a.equals("--config")) {
          if (file != null) {
            throw new ConfigException("--config given twice");
          }
          file = Path.of(v);
        } else {
          sets.add(v);
        }
      } else if (a.startsWith("--config=")) {
        file = Path.of(a.substring("--config=".length()));
      } else if (a.startsWith("--set=")) {
        sets.add(a.substring("--set=".length()));
      } else {
        throw new ConfigException(
            "unexpected argument '" + a + "'; expected --config FILE or --set key=value");
      }
    }
    if (file != null) {
      b.load(file);
    }
    for (String s : sets) {
      b.set(s);
    }
    return b.build();
  }

  private static int train(ClaeConfig config, PrintStream out) throws Exception {
    MDC.put("run", Path.of(config.get(Keys.OUTPUT_DIR)).getFileName().toString());
    TrainRun run = new TrainRun(config);
    run.prepare();
    Map<String, Object> result = run.run();
    out.println(summary(result, Path.of(config.get(Keys.OUTPUT_DIR)).resolve("result.json"), null));
    return 0;
  }

  /**
   * The one-line JSON summary {@code clae train} and {@code clae local} print last: the accuracies
   * and the training rate as numbers (null when not measured), the report's location (local only)
   * and the local {@code result.json}.
   */
  static String summary(Map<?, ?> result, Path resultFile, String reportLocation)
      throws IOException {
    Map<String, Object> line = new LinkedHashMap<>();
    for (String key :
        List.of("knn_top1", "knn_top1_untrained", "linear_top1", "images_per_second")) {
      line.put(key, result.get(key));
    }
    if (reportLocation != null) {
      line.put("report", reportLocation);
    }
    line.put("result", resultFile.toString());
    return JSON.writeValueAsString(line);
  }

  private static int bench(ClaeConfig config, PrintStream out) throws Exception {
    MDC.put("run", "bench");
    Map<String, Object> r = new Bench(config).run();
    out.println(JSON.writerWithDefaultPrettyPrinter().writeValueAsString(r));
    return 0;
  }

  private static void printKeys(PrintStream out) {
    for (Key<?> k : Keys.all().values()) {
      out.println(k.name() + " = " + k.defaultValue());
      out.println("    " + k.doc());
    }
  }

  private static String usage() {
    return String.join(
        "\n",
        "usage: clae <command> [--config FILE] [--set key=value ...]",
        "",
        "commands:",
        "  train   train and evaluate in one process; writes result.json, loss_curve.csv and",
        "          loss_curve.png to output.dir",
        "  bench   time a base step against a CLAE step, matrix-product FLOP/s and memory;",
        "          prints one JSON object",
        "  keys    list every config key with its default and meaning",
        "  bench-pipeline  pipeline throughput against train for one config, bytes a batch costs",
        "          on the wire, where the time goes; [--rounds N] [--variants LAG:ADVERSARIES,...]",
        "          [--base] (also train without CLAE, for the trainer's cost against a plain step)",
        "  perturb --run DIR --out FILE [--eps 0.01,0.03,0.1] [--batches N]  loss of a trained",
        "          encoder under FGSM against random-sign perturbations",
        "  embed   --run DIR --out FILE.csv [--points N]  t-SNE map of test features",
        "  evidence-report [--results docs/results] [--doc docs/results.md]  tables and plots",
        "  local   run the pipeline on this machine: Kafka, S3 and every service as processes,",
        "          the run submitted through the gRPC API; [--adversaries N] [--trainer-threads N]",
        "          [--adversary-threads N] [--inline BYTES] (payloads up to this size go through",
        "          Kafka, larger ones through the S3 store; default 4000000) [--work DIR]",
        "",
        "against a coordinator (--address host:port or CLAE_COORDINATOR; token from",
        "CLAE_API_TOKEN, CLAE_API_TOKEN_FILE or --token-file FILE):",
        "  submit  [--config FILE] [--set key=value ...] [--name NAME] [--watch]",
        "  watch   RUN      follow a run's progress and results until it ends",
        "  status  [RUN]    one run, or every run",
        "  cancel  RUN",
        "  report  RUN [--out FILE]   the result.json of a completed run",
        "",
        "config files hold key = value lines; --set overrides them. Example:",
        "  clae train --set method=uel --set encoder.name=convnet --set train.epochs=5",
        "");
  }
}
