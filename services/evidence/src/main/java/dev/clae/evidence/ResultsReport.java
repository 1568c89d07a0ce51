package dev.clae.evidence;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Makes the tables of {@code docs/results.md} from the result files kept under {@code
 * docs/results/} (and the plots beside them, through {@link Plots}), so that every number there can
 * be traced to a file and regenerated: {@code clae evidence-report}. Tables live in the document
 * between {@code <!-- BEGIN generated: NAME -->} and {@code <!-- END generated: NAME -->};
 * everything else in it is prose that this tool leaves alone.
 */
public final class ResultsReport {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final List<String> METHODS = List.of("simclr", "uel", "plain");
  private static final Pattern BLOCK =
      Pattern.compile(
          "<!-- BEGIN generated: ([a-z-]+) -->\\n(.*?)<!-- END generated: \\1 -->", Pattern.DOTALL);

  private final Path results;
  private final Map<String, Map<String, Object>> main;
  private final Map<String, Map<String, Object>> equal;
  private final Map<String, Map<String, Object>> sensitivity;

  /** Reads the kept results under {@code results} (docs/results). */
  public ResultsReport(Path results) throws IOException {
    this.results = results;
    this.main = readGroup(results.resolve("main"));
    this.equal = readGroup(results.resolve("equal-compute"));
    this.sensitivity = readGroup(results.resolve("sensitivity"));
  }

  private static Map<String, Map<String, Object>> readGroup(Path dir) throws IOException {
    Map<String, Map<String, Object>> out = new TreeMap<>();
    if (!Files.isDirectory(dir)) {
      return out;
    }
    try (Stream<Path> s = Files.list(dir)) {
      for (Path run : s.sorted().toList()) {
        Path f = run.resolve("result.json");
        if (Files.isRegularFile(f)) {
          out.put(
              run.getFileName().toString(),
              JSON.readValue(f.toFile(), new TypeReference<Map<String, Object>>() {}));
        }
      }
    }
    return out;
  }

  /** Returns every generated block by name, as Markdown. */
  public Map<String, String> blocks() throws IOException {
    Map<String, String> b = new LinkedHashMap<>();
    b.put("main-table", mainTable());
    b.put("differences", differences());
    b.put("equal-compute", equalCompute());
    b.put("perturbation", perturbation());
    b.put("sensitivity", sensitivityTable());
    b.put("runs", runsTable());
    return b;
  }

  /** Rewrites the generated blocks of a document and returns its new text. */
  public String rewrite(String doc) throws IOException {
    Map<String, String> blocks = blocks();
    Matcher m = BLOCK.matcher(doc);
    StringBuilder out = new StringBuilder();
    while (m.find()) {
      String body = blocks.getOrDefault(m.group(1), m.group(2));
      m.appendReplacement(
          out,
          Matcher.quoteReplacement(
              "<!-- BEGIN generated: "
                  + m.group(1)
                  + " -->\n"
                  + body
                  + "<!-- END generated: "
                  + m.group(1)
                  + " -->"));
    }
    m.appendTail(out);
    return out.toString();
  }

  /** Returns the generated blocks found in a document. */
  public static Map<String, String> blocksIn(String doc) {
    Map<String, String> found = new LinkedHashMap<>();
    Matcher m = BLOCK.matcher(doc);
    while (m.find()) {
      found.put(m.group(1), m.group(2));
    }
    return found;
  }

  /** Seeds of a method's runs in the main group, base or CLAE. */
  List<Map<String, Object>> runs(String method, boolean clae) {
    List<Map<String, Object>> out = new ArrayList<>();
    String prefix = method + (clae ? "-clae-s" : "-s");
    main.forEach(
        (name, r) -> {
          if (name.startsWith(prefix)) {
            out.add(r);
          }
        });
    return out;
  }

  private String mainTable() {
    StringBuilder t = new StringBuilder();
    t.append(
            "| method | CLAE | seeds | kNN top-1 | linear top-1 | untrained kNN | untrained linear")
        .append(" | train s |\n|---|---|---|---|---|---|---|---|\n");
    for (String m : METHODS) {
      for (boolean clae : List.of(false, true)) {
        List<Map<String, Object>> rs = runs(m, clae);
        if (rs.isEmpty()) {
          continue;
        }
        t.append(
            String.format(
                Locale.ROOT,
                "| %s | %s | %d | %s | %s | %s | %s | %.0f |%n",
                m,
                clae ? "yes" : "no",
                rs.size(),
                meanSd(values(rs, "knn_top1")),
                meanSd(values(rs, "linear_top1")),
                meanSd(values(rs, "knn_top1_untrained")),
                meanSd(values(rs, "linear_top1_untrained")),
                Stats.mean(values(rs, "train_seconds"))));
      }
    }
    return t.toString();
  }

  private String differences() {
    StringBuilder t = new StringBuilder();
    t.append("| method | metric | CLAE minus base, per seed | mean | 95% interval |\n")
        .append("|---|---|---|---|---|\n");
    for (String m : METHODS) {
      for (String metric : List.of("knn_top1", "linear_top1")) {
        List<Double> d = paired(m, metric, r -> r, main, "-s");
        if (d.isEmpty()) {
          continue;
        }
        t.append(row(m, metric, d));
      }
    }
    return t.toString();
  }

  private String equalCompute() {
    StringBuilder t = new StringBuilder();
    t.append("| method | metric | base 10 ep | base 20 ep | CLAE 10 ep | CLAE minus base 20 ep,")
        .append(" per seed | mean | 95% interval | at equal epochs: mean [95%]")
        .append(" | compute, CLAE over base 20 ep: seconds | passes")
        .append(" |\n|---|---|---|---|---|---|---|---|---|---|---|\n");
    for (String m : METHODS) {
      for (String metric : List.of("knn_top1", "linear_top1")) {
        List<Double> d = paired(m, metric, r -> r, equal, "-20ep-s");
        if (d.isEmpty()) {
          continue;
        }
        List<Map<String, Object>> long20 = new ArrayList<>();
        List<Map<String, Object>> claeRuns = new ArrayList<>();
        for (String seed : seedsOf(m, equal, "-20ep-s")) {
          long20.add(equal.get(m + "-20ep-s" + seed));
          claeRuns.add(main.get(m + "-clae-s" + seed));
        }
        double seconds =
            Stats.mean(values(claeRuns, "train_seconds"))
                / Stats.mean(values(long20, "train_seconds"));
        double passes =
            Stats.mean(values(claeRuns, "forward_equivalent_passes"))
                / Stats.mean(values(long20, "forward_equivalent_passes"));
        String r = row(m, metric, d);
        String[] cells = r.split("\\|");
        String[] sameEpochs = row(m, metric, paired(m, metric, x -> x, main, "-s")).split("\\|");
        t.append(
            String.format(
                Locale.ROOT,
                "| %s | %s | %s | %s | %s |%s|%s|%s| %s %s | %.2f | %.2f |%n",
                m,
                metric,
                meanSd(values(runs(m, false), metric)),
                meanSd(values(long20, metric)),
                meanSd(values(claeRuns, metric)),
                cells[3],
                cells[4],
                cells[5],
                sameEpochs[4].trim(),
                sameEpochs[5].trim(),
                seconds,
                passes));
      }
    }
    return t.toString();
  }

  private List<String> seedsOf(String m, Map<String, Map<String, Object>> group, String infix) {
    List<String> seeds = new ArrayList<>();
    for (String name : group.keySet()) {
      if (name.startsWith(m + infix)) {
        seeds.add(name.substring((m + infix).length()));
      }
    }
    return seeds;
  }

  /** CLAE (main) minus the base run of {@code group} named {@code m + infix + seed}, per seed. */
  private List<Double> paired(
      String m,
      String metric,
      Function<Map<String, Object>, Map<String, Object>> f,
      Map<String, Map<String, Object>> group,
      String infix) {
    List<Double> d = new ArrayList<>();
    for (String seed : seedsOf(m, group, infix)) {
      Map<String, Object> base = group.get(m + infix + seed);
      Map<String, Object> clae = main.get(m + "-clae-s" + seed);
      if (base != null && clae != null) {
        d.add(num(f.apply(clae), metric) - num(f.apply(base), metric));
      }
    }
    return d;
  }

  private static String row(String m, String metric, List<Double> d) {
    StringBuilder per = new StringBuilder();
    for (double x : d) {
      per.append(per.length() == 0 ? "" : ", ").append(signed(x));
    }
    double mean = Stats.mean(d);
    double hw = Stats.halfWidth95(d);
    String interval =
        Double.isNaN(hw) ? "n/a" : "[" + signed(mean - hw) + ", " + signed(mean + hw) + "]";
    return String.format(
        Locale.ROOT, "| %s | %s | %s | %s | %s |%n", m, metric, per, signed(mean), interval);
  }

  private String perturbation() throws IOException {
    Path dir = results.resolve("perturbation");
    if (!Files.isDirectory(dir)) {
      return "(not run yet)\n";
    }
    StringBuilder t = new StringBuilder();
    t.append("| encoder | eps | unperturbed | FGSM direction | random signs | rise, FGSM |")
        .append(" rise, random | rise ratio |\n|---|---|---|---|---|---|---|---|\n");
    try (Stream<Path> s = Files.list(dir)) {
      for (Path f : s.filter(p -> p.toString().endsWith(".json")).sorted().toList()) {
        Map<String, Object> r = JSON.readValue(f.toFile(), new TypeReference<>() {});
        @SuppressWarnings("unchecked")
        List<Map<String, Object>> points = (List<Map<String, Object>>) r.get("points");
        for (Map<String, Object> p : points) {
          t.append(
              String.format(
                  Locale.ROOT,
                  "| %s | %s | %.4f | %.4f ± %.4f | %.4f ± %.4f | %+.4f | %+.4f | %.1f |%n",
                  r.get("run"),
                  p.get("eps"),
                  num(p, "clean_loss_mean"),
                  num(p, "fgsm_loss_mean"),
                  num(p, "fgsm_loss_sd"),
                  num(p, "random_loss_mean"),
                  num(p, "random_loss_sd"),
                  num(p, "fgsm_increase_mean"),
                  num(p, "random_increase_mean"),
                  num(p, "increase_ratio")));
        }
      }
    }
    return t.toString();
  }

  private String sensitivityTable() {
    StringBuilder t = new StringBuilder();
    t.append("| run | eps | alpha | kNN top-1 | linear top-1 | train s |\n")
        .append("|---|---|---|---|---|---|\n");
    Map<String, Map<String, Object>> all = new TreeMap<>(sensitivity);
    Map<String, Object> def = main.get("simclr-clae-s0");
    if (def != null) {
      all.put("simclr-clae-s0 (main)", def);
    }
    all.entrySet().stream()
        .sorted(
            (a, b) -> {
              int c =
                  Double.compare(
                      cfg(a.getValue(), "adversarial.alpha"),
                      cfg(b.getValue(), "adversarial.alpha"));
              return c != 0
                  ? c
                  : Double.compare(
                      cfg(a.getValue(), "adversarial.eps"), cfg(b.getValue(), "adversarial.eps"));
            })
        .forEach(
            e ->
                t.append(
                    String.format(
                        Locale.ROOT,
                        "| %s | %s | %s | %.4f | %.4f | %.0f |%n",
                        e.getKey(),
                        cfgRaw(e.getValue(), "adversarial.eps"),
                        cfgRaw(e.getValue(), "adversarial.alpha"),
                        num(e.getValue(), "knn_top1"),
                        num(e.getValue(), "linear_top1"),
                        num(e.getValue(), "train_seconds"))));
    return t.toString();
  }

  private String runsTable() {
    StringBuilder t = new StringBuilder();
    t.append("| group | runs | train seconds, mean | code version |\n|---|---|---|---|\n");
    for (Map.Entry<String, Map<String, Map<String, Object>>> g :
        Map.of("main", main, "equal-compute", equal, "sensitivity", sensitivity).entrySet().stream()
            .sorted(Map.Entry.comparingByKey())
            .toList()) {
      if (g.getValue().isEmpty()) {
        continue;
      }
      List<Map<String, Object>> rs = new ArrayList<>(g.getValue().values());
      java.util.Set<Object> versions = new java.util.TreeSet<>();
      for (Map<String, Object> r : rs) {
        @SuppressWarnings("unchecked")
        Map<String, Object> p = (Map<String, Object>) r.get("provenance");
        versions.add(p == null ? "unknown" : String.valueOf(p.get("code_version")));
      }
      t.append(
          String.format(
              Locale.ROOT,
              "| %s | %d | %.0f | %s |%n",
              g.getKey(),
              rs.size(),
              Stats.mean(values(rs, "train_seconds")),
              String.join(", ", versions.stream().map(String::valueOf).toList())));
    }
    return t.toString();
  }

  /** Returns the main group's runs, for the plots. */
  Map<String, Map<String, Object>> main() {
    return main;
  }

  /** Returns the equal-compute group's runs, for the plots. */
  Map<String, Map<String, Object>> equal() {
    return equal;
  }

  /** Returns the sensitivity group's runs, for the plots. */
  Map<String, Map<String, Object>> sensitivity() {
    return sensitivity;
  }

  static List<Double> values(List<Map<String, Object>> rs, String key) {
    List<Double> v = new ArrayList<>();
    for (Map<String, Object> r : rs) {
      if (r != null && r.get(key) instanceof Number n) {
        v.add(n.doubleValue());
      }
    }
    return v;
  }

  static double num(Map<String, Object> r, String key) {
    return r.get(key) instanceof Number n ? n.doubleValue() : Double.NaN;
  }

  private static double cfg(Map<String, Object> r, String key) {
    return Double.parseDouble(cfgRaw(r, key));
  }

  @SuppressWarnings("unchecked")
  private static String cfgRaw(Map<String, Object> r, String key) {
    return String.valueOf(((Map<String, Object>) r.get("config")).get(key));
  }

  private static String meanSd(List<Double> v) {
    if (v.isEmpty()) {
      return "n/a";
    }
    if (v.size() == 1) {
      return String.format(Locale.ROOT, "%.4f", v.get(0));
    }
    return String.format(Locale.ROOT, "%.4f ± %.4f", Stats.mean(v), Stats.sd(v));
  }

  private static String signed(double x) {
    return String.format(Locale.ROOT, "%+.4f", x);
  }

  /** Regenerates the plots and the document's tables: {@code clae evidence-report}. */
  public static void main(Path results, Path doc) throws IOException {
    ResultsReport r = new ResultsReport(results);
    new Plots(r, results).writeAll();
    String text = Files.readString(doc, StandardCharsets.UTF_8);
    Files.writeString(doc, r.rewrite(text), StandardCharsets.UTF_8);
  }
}
