package dev.clae.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.clae.config.ClaeConfig;
import dev.clae.config.Keys;
import dev.clae.local.LocalPipeline;
import dev.clae.platform.Artifacts;
import dev.clae.platform.Kafka;
import dev.clae.platform.ObjectStore;
import dev.clae.platform.Settings;
import dev.clae.proto.Report;
import dev.clae.proto.RunStatus;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * {@code clae local --config FILE [--set key=value ...] [--adversaries N] [--trainer-threads N]
 * [--adversary-threads N] [--inline BYTES] [--work DIR]}: the whole pipeline on this machine. It
 * validates the config first (exit 2 naming the key, before anything starts), starts a Kafka
 * broker, an S3 server and every service as processes with their data under the work folder,
 * submits the run through the gRPC API, prints its progress, copies {@code result.json} and the
 * loss curve into {@code output.dir}, and stops everything it started, also on Ctrl-C.
 */
final class LocalCommand {
  private LocalCommand() {}

  static int run(List<String> args, PrintStream out, PrintStream err) throws Exception {
    List<String> configArgs = new ArrayList<>();
    LocalPipeline.Options d = LocalPipeline.Options.defaults();
    int adversaries = d.adversaries();
    int trainerThreads = d.trainerThreads();
    int adversaryThreads = d.adversaryThreads();
    int inline = d.inlineMaxBytes();
    Path work = null;
    for (int i = 0; i < args.size(); i++) {
      String a = args.get(i);
      switch (a) {
        case "--adversaries" -> adversaries = number(value(args, ++i, a), a);
        case "--trainer-threads" -> trainerThreads = number(value(args, ++i, a), a);
        case "--adversary-threads" -> adversaryThreads = number(value(args, ++i, a), a);
        case "--inline" -> inline = inlineLimit(value(args, ++i, a), a);
        case "--work" -> work = Path.of(value(args, ++i, a));
        default -> configArgs.add(a);
      }
    }
    ClaeConfig config = Main.parse(configArgs);
    Path output = Path.of(config.get(Keys.OUTPUT_DIR));
    if (work == null) {
      work =
          Path.of(
              "runs",
              "local",
              LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss")));
    }
    LocalPipeline.Options options =
        new LocalPipeline.Options(
            adversaries, trainerThreads, adversaryThreads, d.evaluatorThreads(), inline);
    out.println("clae local: starting Kafka, S3 and the services under " + work);
    try (LocalPipeline pipeline = LocalPipeline.start(work, options)) {
      pipeline.supervise();
      Thread hook = new Thread(pipeline::close, "clae-local-stop");
      Runtime.getRuntime().addShutdownHook(hook);
      try {
        return submitAndFollow(pipeline, config, output, out);
      } finally {
        Runtime.getRuntime().removeShutdownHook(hook);
        out.println(
            "clae local: stopping the services, S3 and Kafka (logs in " + pipeline.logs() + ")");
      }
    }
  }

  private static int submitAndFollow(
      LocalPipeline pipeline, ClaeConfig config, Path output, PrintStream out) throws Exception {
    try (CoordinatorClient client =
        new CoordinatorClient(pipeline.coordinatorAddress(), pipeline.apiToken())) {
      RunStatus s = client.submit(config.asMap(), output.getFileName().toString());
      String run = s.getRunId();
      out.println(
          "clae local: submitted "
              + run
              + " to the coordinator at "
              + pipeline.coordinatorAddress());
      int status = RemoteCommands.watch(client, run, out);
      if (status != 0) {
        out.println("clae local: " + RemoteCommands.line(client.get(run)));
        return status;
      }
      Report report = client.report(run);
      Files.createDirectories(output);
      Files.writeString(
          output.resolve("result.json"), report.getResultJson(), StandardCharsets.UTF_8);
      copyCurves(pipeline, run, output);
      Map<?, ?> r = new ObjectMapper().readValue(report.getResultJson(), Map.class);
      out.println(Main.summary(r, output.resolve("result.json"), report.getLocation()));
      return 0;
    }
  }

  private static void copyCurves(LocalPipeline pipeline, String run, Path output) {
    Settings s =
        Settings.of(
            Map.of(
                Settings.S3_ENDPOINT.name(), pipeline.s3Endpoint(),
                Settings.S3_ACCESS_KEY.name(), pipeline.s3AccessKey(),
                Settings.S3_SECRET_KEY.name(), pipeline.s3SecretKey()));
    try (ObjectStore store = ObjectStore.connect(s)) {
      store.getFile(Artifacts.lossCsv(run), output.resolve("loss_curve.csv"));
      store.getFile(Artifacts.lossPng(run), output.resolve("loss_curve.png"));
    }
  }

  /** Parses a whole number given for {@code what}, naming it when the text is not one. */
  static int number(String text, String what) {
    try {
      return Integer.parseInt(text.trim());
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(what + " " + text + ": not a whole number", e);
    }
  }

  /**
   * Parses an inline limit given for {@code what} (an option or a variable) and checks it as the
   * services will ({@link Kafka#maxMessageBytes}), so that a bad one stops the command before
   * anything starts.
   */
  static int inlineLimit(String text, String what) {
    int n = number(text, what);
    try {
      Kafka.maxMessageBytes(n);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(what + " " + n + ": " + e.getMessage(), e);
    }
    return n;
  }

  private static String value(List<String> args, int i, String option) {
    if (i >= args.size()) {
      throw new IllegalArgumentException(option + " needs a value");
    }
    return args.get(i);
  }
}
