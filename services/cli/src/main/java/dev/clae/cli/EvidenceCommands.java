package dev.clae.cli;

import dev.clae.evidence.EmbeddingMap;
import dev.clae.evidence.Perturb;
import dev.clae.evidence.ResultsReport;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** {@code clae perturb}, {@code clae embed} and {@code clae evidence-report}. */
final class EvidenceCommands {
  private EvidenceCommands() {}

  static int run(String command, List<String> args, PrintStream out) throws Exception {
    Path run = null;
    Path file = null;
    Path results = Path.of("docs", "results");
    Path doc = Path.of("docs", "results.md");
    List<Double> eps = List.of(0.01, 0.03, 0.1, 0.3);
    int batches = 8;
    int points = 2000;
    List<String> sets = new ArrayList<>();
    for (int i = 0; i < args.size(); i++) {
      String a = args.get(i);
      String v = i + 1 < args.size() ? args.get(i + 1) : null;
      if (v == null && !a.startsWith("--")) {
        throw new IllegalArgumentException("unexpected argument " + a);
      }
      if (v == null) {
        throw new IllegalArgumentException(a + " needs a value");
      }
      i++;
      switch (a) {
        case "--run" -> run = Path.of(v);
        case "--out" -> file = Path.of(v);
        case "--results" -> results = Path.of(v);
        case "--doc" -> doc = Path.of(v);
        case "--batches" -> batches = Integer.parseInt(v);
        case "--points" -> points = Integer.parseInt(v);
        case "--set" -> sets.add(v);
        case "--eps" -> {
          eps = new ArrayList<>();
          for (String s : v.split(",")) {
            eps.add(Double.parseDouble(s.trim()));
          }
        }
        default -> throw new IllegalArgumentException("unknown option " + a);
      }
    }
    switch (command) {
      case "perturb" -> {
        Perturb.run(require(run, "--run"), eps, batches, require(file, "--out"), sets);
        out.println("wrote " + file);
      }
      case "embed" -> {
        EmbeddingMap.run(require(run, "--run"), points, require(file, "--out"), sets);
        out.println("wrote " + file);
      }
      default -> {
        ResultsReport.main(results, doc);
        out.println("rewrote the tables of " + doc + " and the plots in " + results);
      }
    }
    return 0;
  }

  private static Path require(Path p, String option) {
    if (p == null) {
      throw new IllegalArgumentException(option + " is required");
    }
    return p;
  }
}
