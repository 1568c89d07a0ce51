package dev.clae.cli;

import dev.clae.proto.EvalResult;
import dev.clae.proto.Progress;
import dev.clae.proto.Report;
import dev.clae.proto.RunEvent;
import dev.clae.proto.RunState;
import dev.clae.proto.RunStatus;
import io.grpc.StatusRuntimeException;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * {@code clae submit|watch|status|cancel|report} against a coordinator. The address comes from
 * {@code --address host:port}, else {@code CLAE_COORDINATOR}, else {@code 127.0.0.1:50051}; the API
 * token from {@code --token-file FILE}, else {@code CLAE_API_TOKEN} or the file named by {@code
 * CLAE_API_TOKEN_FILE}. A token is never printed.
 */
final class RemoteCommands {
  private RemoteCommands() {}

  /** Parsed arguments of a remote command. */
  static final class Args {
    String address;
    String token;
    String name = "";
    Path config;
    Path out;
    boolean watch;
    final List<String> sets = new ArrayList<>();
    final List<String> positional = new ArrayList<>();
  }

  static Args parse(List<String> args, Map<String, String> env) throws IOException {
    Args a = new Args();
    for (int i = 0; i < args.size(); i++) {
      String s = args.get(i);
      switch (s) {
        case "--address" -> a.address = value(args, ++i, s);
        case "--token-file" ->
            a.token =
                Files.readString(Path.of(value(args, ++i, s)), StandardCharsets.UTF_8).strip();
        case "--name" -> a.name = value(args, ++i, s);
        case "--config" -> a.config = Path.of(value(args, ++i, s));
        case "--set" -> a.sets.add(value(args, ++i, s));
        case "--out" -> a.out = Path.of(value(args, ++i, s));
        case "--watch" -> a.watch = true;
        default -> {
          if (s.startsWith("--")) {
            throw new IllegalArgumentException("unknown option " + s);
          }
          a.positional.add(s);
        }
      }
    }
    if (a.address == null) {
      a.address = env.getOrDefault("CLAE_COORDINATOR", "127.0.0.1:50051");
    }
    if (a.token == null) {
      a.token = env.get("CLAE_API_TOKEN");
      String file = env.get("CLAE_API_TOKEN_FILE");
      if (a.token == null && file != null) {
        a.token = Files.readString(Path.of(file), StandardCharsets.UTF_8).strip();
      }
    }
    return a;
  }

  private static String value(List<String> args, int i, String option) {
    if (i >= args.size()) {
      throw new IllegalArgumentException(option + " needs a value");
    }
    return args.get(i);
  }

  /** Reads a config file's {@code key = value} lines and the {@code --set} overrides. */
  static Map<String, String> specOf(Path config, List<String> sets) throws IOException {
    Map<String, String> m = new LinkedHashMap<>();
    if (config != null) {
      List<String> lines = Files.readAllLines(config, StandardCharsets.UTF_8);
      for (int i = 0; i < lines.size(); i++) {
        String line = lines.get(i).strip();
        if (line.isEmpty() || line.startsWith("#")) {
          continue;
        }
        int eq = line.indexOf('=');
        if (eq <= 0) {
          throw new IllegalArgumentException(
              config + " line " + (i + 1) + ": expected key = value, got '" + line + "'");
        }
        m.put(line.substring(0, eq).trim(), line.substring(eq + 1).trim());
      }
    }
    for (String s : sets) {
      int eq = s.indexOf('=');
      if (eq <= 0) {
        throw new IllegalArgumentException("--set " + s + ": expected key=value");
      }
      m.put(s.substring(0, eq).trim(), s.substring(eq + 1).trim());
    }
    return m;
  }

  static int run(String command, Args a, PrintStream out, PrintStream err) throws IOException {
    try (CoordinatorClient c = new CoordinatorClient(a.address, a.token)) {
      switch (command) {
        case "submit" -> {
          RunStatus s = c.submit(specOf(a.config, a.sets), a.name);
          out.println("submitted " + s.getRunId() + " (" + s.getState() + ")");
          return a.watch ? watch(c, s.getRunId(), out) : 0;
        }
        case "watch" -> {
          return watch(c, runId(a), out);
        }
        case "status" -> {
          if (a.positional.isEmpty()) {
            for (RunStatus s : c.list()) {
              out.println(line(s));
            }
          } else {
            out.println(line(c.get(runId(a))));
          }
          return 0;
        }
        case "cancel" -> {
          out.println(line(c.cancel(runId(a))));
          return 0;
        }
        case "report" -> {
          Report r = c.report(runId(a));
          if (a.out != null) {
            Files.writeString(a.out, r.getResultJson(), StandardCharsets.UTF_8);
            out.println("wrote " + a.out + " (kept at " + r.getLocation() + ")");
          } else {
            out.println(r.getResultJson());
          }
          return 0;
        }
        default -> throw new IllegalArgumentException("unknown command " + command);
      }
    } catch (StatusRuntimeException e) {
      err.println(
          "clae: "
              + command
              + " failed: "
              + e.getStatus().getCode()
              + (e.getStatus().getDescription() == null
                  ? " (is a coordinator at " + a.address + "?)"
                  : ": " + e.getStatus().getDescription()));
      return switch (e.getStatus().getCode()) {
        case INVALID_ARGUMENT, NOT_FOUND, FAILED_PRECONDITION -> Main.USAGE;
        case UNAUTHENTICATED -> 4;
        default -> 1;
      };
    }
  }

  private static String runId(Args a) {
    if (a.positional.size() != 1) {
      throw new IllegalArgumentException("expected one run id, got " + a.positional);
    }
    return a.positional.get(0);
  }

  /** Prints a run's events until it ends; returns 0 when it completed. */
  static int watch(CoordinatorClient c, String runId, PrintStream out) {
    Iterator<RunEvent> events = c.watch(runId);
    RunState last = RunState.RUN_STATE_UNSPECIFIED;
    long lastLine = 0;
    while (events.hasNext()) {
      RunEvent e = events.next();
      switch (e.getEventCase()) {
        case STATUS -> {
          last = e.getStatus().getState();
          out.println(line(e.getStatus()));
        }
        case PROGRESS -> {
          Progress p = e.getProgress();
          long now = System.currentTimeMillis();
          boolean change = p.getState() != last;
          if (change || now - lastLine >= 2000) {
            out.println(line(p));
            lastLine = now;
          }
          last = p.getState() == RunState.RUN_STATE_UNSPECIFIED ? last : p.getState();
        }
        case RESULT -> out.println(line(runId, e.getResult()));
        default -> {}
      }
    }
    return last == RunState.COMPLETED ? 0 : 1;
  }

  static String line(RunStatus s) {
    StringBuilder b = new StringBuilder();
    b.append(s.getRunId()).append(' ').append(s.getState());
    if (!s.getName().isEmpty()) {
      b.append(" '").append(s.getName()).append('\'');
    }
    if (s.hasProgress() && s.getProgress().getTotalSteps() > 0) {
      b.append(" step ")
          .append(s.getProgress().getStep())
          .append('/')
          .append(s.getProgress().getTotalSteps());
    }
    for (EvalResult r : s.getResultsList()) {
      if (r.getKind() == dev.clae.proto.CheckpointNotice.Kind.FINAL) {
        b.append(String.format(Locale.ROOT, " kNN %.4f", r.getKnnTop1()));
        if (r.getHasLinear()) {
          b.append(String.format(Locale.ROOT, " linear %.4f", r.getLinearTop1()));
        }
      }
    }
    if (!s.getMessage().isEmpty()) {
      b.append(": ").append(s.getMessage());
    }
    return b.toString();
  }

  static String line(Progress p) {
    if (p.getTotalSteps() == 0) {
      String m = p.getMessage().isEmpty() ? "" : ": " + p.getMessage();
      return p.getRunId() + " " + p.getState() + m;
    }
    StringBuilder b =
        new StringBuilder(
            String.format(
                Locale.ROOT,
                "%s %s step %d/%d epoch %d/%d loss %.4f",
                p.getRunId(),
                p.getState(),
                p.getStep(),
                p.getTotalSteps(),
                p.getEpoch(),
                p.getEpochs(),
                p.getLoss()));
    if (p.getAdversarialLoss() != 0) {
      b.append(
          String.format(
              Locale.ROOT, " (clean %.4f adv %.4f)", p.getCleanLoss(), p.getAdversarialLoss()));
    }
    b.append(
        String.format(
            Locale.ROOT,
            " %.0f img/s, lag %d, stale %d, duplicates %d",
            p.getImagesPerSecond(),
            p.getLag(),
            p.getStaleBatches(),
            p.getDuplicateBatches()));
    if (!p.getMessage().isEmpty()) {
      b.append(": ").append(p.getMessage());
    }
    return b.toString();
  }

  static String line(String runId, EvalResult r) {
    String linear =
        r.getHasLinear()
            ? String.format(Locale.ROOT, ", linear top-1 %.4f", r.getLinearTop1())
            : "";
    return String.format(
        Locale.ROOT,
        "%s evaluated %s checkpoint (epoch %d): kNN top-1 %.4f%s",
        runId,
        r.getKind().name().toLowerCase(Locale.ROOT),
        r.getEpochsDone(),
        r.getKnnTop1(),
        linear);
  }
}
