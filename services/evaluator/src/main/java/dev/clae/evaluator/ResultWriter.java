package dev.clae.evaluator;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.clae.config.ClaeConfig;
import dev.clae.config.Keys;
import dev.clae.platform.Artifacts;
import dev.clae.platform.ObjectStore;
import dev.clae.platform.RunSpecs;
import dev.clae.train.Checkpoint;
import dev.clae.train.LossPlot;
import dev.clae.train.Provenance;
import dev.clae.train.StepRecord;
import dev.clae.train.TrainRun;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Writes a finished run's {@code result.json} with the fields {@code clae train} writes (so the two
 * modes compare directly) plus a {@code pipeline} section (lag, stale and duplicate batches, the
 * trainer's waiting), and the loss curve as CSV and PNG.
 */
final class ResultWriter {
  private final ObjectStore store;
  private final ObjectMapper json;

  ResultWriter(ObjectStore store, ObjectMapper json) {
    this.store = store;
    this.json = json;
  }

  void write(
      RunSpecs.Spec spec, RunData rd, Checkpoint ckpt, Map<String, Object> fin, String device)
      throws IOException {
    ClaeConfig c = spec.config();
    String run = spec.runId();
    Map<String, Object> untrained = report(Artifacts.evalReport(run, "initial", 0));
    List<StepRecord> history = ckpt.history();
    long images = (long) history.size() * c.get(Keys.BATCH_SIZE);
    Map<String, Object> x = ckpt.extras();
    Map<String, Object> r = new LinkedHashMap<>();
    r.put("method", c.get(Keys.METHOD));
    r.put("adversarial", c.get(Keys.ADV_ENABLED));
    r.put("dataset", rd.data.name());
    r.put("epochs", c.get(Keys.EPOCHS));
    r.put("seed", c.get(Keys.SEED));
    r.put("knn_top1", fin.get("knn_top1"));
    r.put("linear_top1", fin.get("linear_top1"));
    r.put("knn_top1_untrained", untrained == null ? null : untrained.get("knn_top1"));
    r.put("linear_top1_untrained", untrained == null ? null : untrained.get("linear_top1"));
    r.put("images_per_second", ckpt.trainSeconds() > 0 ? images / ckpt.trainSeconds() : 0);
    r.put("final_loss", TrainRun.lastEpochLoss(history));
    r.put("train_seconds", ckpt.trainSeconds());
    r.put("train_cpu_seconds", x.get("train_cpu_seconds"));
    r.put("eval_seconds", fin.get("eval_seconds"));
    r.put("optimizer_steps", history.size());
    r.put("forward_equivalent_passes", images * TrainRun.passesPerImage(c.get(Keys.ADV_ENABLED)));
    r.put("train_images", rd.data.train().size());
    r.put("test_images", rd.data.test().size());
    r.put("encoder", c.get(Keys.ENCODER) + " width " + c.get(Keys.ENCODER_WIDTH));
    r.put("accuracy_selection", "final epoch (no selection on test data)");
    r.put("knn_curve", knnCurve(run, fin));
    r.put("resumed_from_epoch", null);
    r.put("loss_curve", "loss_curve.csv");
    Map<String, Object> pipeline = new LinkedHashMap<>();
    pipeline.put("run_id", run);
    pipeline.put("max_lag_steps", c.get(Keys.PIPELINE_MAX_LAG));
    pipeline.put("weights_interval_steps", c.get(Keys.PIPELINE_WEIGHTS_INTERVAL));
    pipeline.put("stale_batches", x.get("stale_batches"));
    pipeline.put("duplicate_batches", x.get("duplicate_batches"));
    long lagCount = number(x.get("lag_count"));
    pipeline.put("mean_lag_steps", lagCount > 0 ? number(x.get("lag_sum")) / (double) lagCount : 0);
    pipeline.put("trainer_wait_seconds", x.get("wait_seconds"));
    r.put("pipeline", pipeline);
    r.put("config", c.asMap());
    Map<String, Object> provenance = new LinkedHashMap<>(spec.provenance());
    provenance.putAll(Provenance.collect(rd.data, rd.norm, device));
    r.put("provenance", provenance);
    store.put(Artifacts.result(run), json.writerWithDefaultPrettyPrinter().writeValueAsBytes(r));
    StringBuilder csv = new StringBuilder(StepRecord.HEADER).append('\n');
    for (StepRecord h : history) {
      csv.append(h.csv()).append('\n');
    }
    store.put(Artifacts.lossCsv(run), csv.toString().getBytes(StandardCharsets.UTF_8));
    Path png = Files.createTempFile("clae-loss", ".png");
    try {
      String title = c.get(Keys.METHOD) + (c.get(Keys.ADV_ENABLED) ? " + CLAE" : "") + ", pipeline";
      LossPlot.write(history, title, png);
      store.put(Artifacts.lossPng(run), Files.readAllBytes(png));
    } finally {
      Files.deleteIfExists(png);
    }
  }

  private List<Map<String, Object>> knnCurve(String run, Map<String, Object> fin)
      throws IOException {
    List<Map<String, Object>> curve = new ArrayList<>();
    for (String key : store.list(Artifacts.run(run) + "eval/epoch-")) {
      curve.add(point(report(key)));
    }
    curve.add(point(fin));
    return curve;
  }

  private static Map<String, Object> point(Map<String, Object> report) {
    Map<String, Object> p = new LinkedHashMap<>();
    p.put("epoch", report.get("epochs_done"));
    p.put("knn_top1", report.get("knn_top1"));
    p.put("train_seconds", report.get("train_seconds"));
    return p;
  }

  private Map<String, Object> report(String key) throws IOException {
    var raw = store.find(key);
    return raw.isEmpty()
        ? null
        : json.readValue(raw.get(), new TypeReference<Map<String, Object>>() {});
  }

  private static long number(Object o) {
    return o instanceof Number n ? n.longValue() : 0;
  }
}
