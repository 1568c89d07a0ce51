package dev.clae.evidence;

import ai.djl.ndarray.NDManager;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.clae.config.Keys;
import dev.clae.eval.PerturbationStudy;
import dev.clae.loss.Losses;
import dev.clae.train.EngineSetup;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code clae perturb --run DIR --eps 0.01,0.03,0.1 --out FILE [--set key=value ...]}: the
 * perturbation study ({@link PerturbationStudy}) on the encoder of a finished run, written as JSON
 * with the loss of every batch and their mean and standard deviation.
 */
public final class Perturb {
  private Perturb() {}

  /** Runs the command; returns the JSON written. */
  public static Map<String, Object> run(
      Path runDir, List<Double> eps, int batches, Path out, List<String> overrides)
      throws Exception {
    try (NDManager m = NDManager.newBaseManager()) {
      TrainedRun r = TrainedRun.load(runDir, overrides, m);
      EngineSetup.prepareThread();
      int batch = r.config.get(Keys.BATCH_SIZE);
      PerturbationStudy study =
          new PerturbationStudy(
              r.net, Losses.create(r.config), r.augmenter, batch, batches, r.config.get(Keys.SEED));
      List<Map<String, Object>> points = new ArrayList<>();
      for (PerturbationStudy.Point p : study.run(r.data.test(), eps, m)) {
        Map<String, Object> pt = new LinkedHashMap<>();
        pt.put("eps", p.eps());
        pt.put("clean_loss_mean", Stats.mean(p.clean()));
        List<Double> upF = new ArrayList<>();
        List<Double> upR = new ArrayList<>();
        for (int i = 0; i < p.clean().size(); i++) {
          upF.add(p.fgsm().get(i) - p.clean().get(i));
          upR.add(p.random().get(i) - p.clean().get(i));
        }
        pt.put("fgsm_increase_mean", Stats.mean(upF));
        pt.put("random_increase_mean", Stats.mean(upR));
        pt.put("increase_ratio", Stats.mean(upF) / Stats.mean(upR));
        pt.put("fgsm_loss_mean", Stats.mean(p.fgsm()));
        pt.put("fgsm_loss_sd", Stats.sd(p.fgsm()));
        pt.put("random_loss_mean", Stats.mean(p.random()));
        pt.put("random_loss_sd", Stats.sd(p.random()));
        pt.put("fgsm_loss", p.fgsm());
        pt.put("random_loss", p.random());
        points.add(pt);
      }
      Map<String, Object> result = new LinkedHashMap<>();
      result.put("run", runDir.getFileName().toString());
      result.put("method", r.config.get(Keys.METHOD));
      result.put("adversarial", r.config.get(Keys.ADV_ENABLED));
      result.put("epochs_done", r.epochsDone);
      result.put("batch_size", batch);
      result.put("batches", batches);
      result.put(
          "measure",
          "L(f(x), f(x + eps * d)) through the clean batch norms in evaluation mode, x an"
              + " augmented view of a test image, d = sign(dL/dx) (FGSM) or uniform random signs");
      result.put("points", points);
      Files.createDirectories(out.toAbsolutePath().getParent());
      new ObjectMapper().writerWithDefaultPrettyPrinter().writeValue(out.toFile(), result);
      return result;
    }
  }
}
