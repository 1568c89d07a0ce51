package dev.clae.evidence;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ResultsReportTest {
  private static void result(Path dir, String name, double knn, double linear) throws Exception {
    Map<String, Object> r = new LinkedHashMap<>();
    r.put("knn_top1", knn);
    r.put("linear_top1", linear);
    r.put("knn_top1_untrained", 0.5);
    r.put("linear_top1_untrained", 0.4);
    r.put("train_seconds", 100.0);
    r.put("config", Map.of("adversarial.eps", "0.03", "adversarial.alpha", "1.0"));
    Files.createDirectories(dir.resolve(name));
    new ObjectMapper().writeValue(dir.resolve(name).resolve("result.json").toFile(), r);
  }

  @Test
  void pairedDifferencesAreComputedPerSeed(@TempDir Path results) throws Exception {
    Path main = results.resolve("main");
    result(main, "uel-s0", 0.70, 0.80);
    result(main, "uel-s1", 0.72, 0.81);
    result(main, "uel-s2", 0.74, 0.82);
    result(main, "uel-clae-s0", 0.71, 0.80);
    result(main, "uel-clae-s1", 0.74, 0.81);
    result(main, "uel-clae-s2", 0.77, 0.82);
    String diff = new ResultsReport(results).blocks().get("differences");
    // kNN differences 0.01, 0.02, 0.03: mean 0.02, sd 0.01, half-width 4.303 * 0.01 / sqrt 3.
    assertTrue(
        diff.contains(
            "| uel | knn_top1 | +0.0100, +0.0200, +0.0300 | +0.0200 | [-0.0048, +0.0448] |"),
        diff);
    String table = new ResultsReport(results).blocks().get("main-table");
    assertTrue(table.contains("| uel | no | 3 | 0.7200 ± 0.0200 |"), table);
  }

  @Test
  void onlyGeneratedBlocksAreRewritten(@TempDir Path results) throws Exception {
    result(results.resolve("main"), "simclr-s0", 0.7, 0.8);
    String doc =
        "prose stays\n<!-- BEGIN generated: main-table -->\nstale\n"
            + "<!-- END generated: main-table -->\nmore prose\n";
    String out = new ResultsReport(results).rewrite(doc);
    assertTrue(out.startsWith("prose stays\n"));
    assertTrue(out.endsWith("more prose\n"));
    assertFalse(out.contains("stale"));
    assertTrue(out.contains("| simclr | no | 1 | 0.7000 |"), out);
  }

  /** The numbers in docs/results.md are the ones the kept result files give. */
  @Test
  void docsResultsMatchTheKeptResultFiles() throws Exception {
    Path root = Path.of("").toAbsolutePath();
    while (root != null && !Files.isDirectory(root.resolve("docs").resolve("results"))) {
      root = root.getParent();
    }
    assertTrue(root != null, "docs/results is kept in the repository");
    String doc =
        Files.readString(root.resolve("docs").resolve("results.md"), StandardCharsets.UTF_8);
    Map<String, String> inDoc = ResultsReport.blocksIn(doc);
    Map<String, String> expected =
        new ResultsReport(root.resolve("docs").resolve("results")).blocks();
    assertFalse(inDoc.isEmpty(), "docs/results.md has generated tables");
    for (Map.Entry<String, String> e : inDoc.entrySet()) {
      assertEquals(
          expected.get(e.getKey()),
          e.getValue(),
          "table " + e.getKey() + " of docs/results.md is stale: run ./clae evidence-report");
    }
    for (String name : List.of("main-table", "differences", "perturbation", "sensitivity")) {
      assertTrue(inDoc.containsKey(name), "docs/results.md shows the " + name + " table");
    }
  }
}
