package dev.clae.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The last line of {@code clae train} and {@code clae local} is JSON a script can read. */
class SummaryLineTest {
  @Test
  void numbersStayNumbersAndAnUnmeasuredValueIsNull() throws Exception {
    Map<String, Object> result = new HashMap<>();
    result.put("knn_top1", 0.7255);
    result.put("knn_top1_untrained", null);
    result.put("linear_top1", 0.789);
    result.put("images_per_second", 318.5);
    result.put("final_loss", 9.89);
    assertEquals(
        "{\"knn_top1\":0.7255,\"knn_top1_untrained\":null,\"linear_top1\":0.789,"
            + "\"images_per_second\":318.5,\"report\":\"s3://clae/runs/r/result.json\","
            + "\"result\":\"runs/demo/result.json\"}",
        Main.summary(
            result, Path.of("runs", "demo", "result.json"), "s3://clae/runs/r/result.json"));
  }

  @Test
  void theTrainCommandsLineHasNoReportAndKeepsTheOrder() throws Exception {
    assertEquals(
        "{\"knn_top1\":0.5,\"knn_top1_untrained\":0.25,\"linear_top1\":null,"
            + "\"images_per_second\":null,\"result\":\"out/result.json\"}",
        Main.summary(
            Map.of("knn_top1", 0.5, "knn_top1_untrained", 0.25),
            Path.of("out", "result.json"),
            null));
  }
}
