package dev.clae.train;

import ai.djl.engine.Engine;
import dev.clae.augment.Normalization;
import dev.clae.data.Dataset;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Where a result came from: code version, engine, machine, data files and their checksums, so that
 * a result can be traced and repeated. The configuration and seed are recorded beside it.
 */
public final class Provenance {
  private Provenance() {}

  /** Collects the provenance of a run over {@code data}. */
  public static Map<String, Object> collect(Dataset data, Normalization norm, String device) {
    Map<String, Object> p = new LinkedHashMap<>();
    p.put("code_version", codeVersion());
    Engine engine = Engine.getInstance();
    p.put("engine", engine.getEngineName() + " " + engine.getVersion());
    p.put("djl_version", Engine.getDjlVersion());
    p.put("device", device);
    p.put("threads", System.getProperty("ai.djl.pytorch.num_threads", "default"));
    p.put("java", System.getProperty("java.vm.name") + " " + Runtime.version());
    p.put("os", System.getProperty("os.name") + " " + System.getProperty("os.arch"));
    p.put("cpus", Runtime.getRuntime().availableProcessors());
    p.put("started", Instant.now().toString());
    Map<String, Object> d = new LinkedHashMap<>(data.source());
    d.put("train_images", data.train().size());
    d.put("test_images", data.test().size());
    d.put(
        "image_shape",
        data.train().channels() + "x" + data.train().height() + "x" + data.train().width());
    d.put("normalization_mean", Arrays.toString(norm.mean()));
    d.put("normalization_std", Arrays.toString(norm.std()));
    p.put("data", d);
    return p;
  }

  /**
   * Returns the code version: the {@code clae.code.version} system property (the launcher sets it
   * from git), else {@code git describe} of the working folder, else "unknown".
   */
  public static String codeVersion() {
    String v = System.getProperty("clae.code.version");
    if (v != null && !v.isBlank()) {
      return v;
    }
    try {
      Process p =
          new ProcessBuilder("git", "describe", "--always", "--dirty", "--abbrev=12")
              .directory(Path.of("").toAbsolutePath().toFile())
              .redirectErrorStream(true)
              .start();
      try (InputStream in = p.getInputStream()) {
        String out = new String(in.readAllBytes(), StandardCharsets.UTF_8).strip();
        if (p.waitFor(5, TimeUnit.SECONDS) && p.exitValue() == 0 && !out.isEmpty()) {
          return "git:" + out;
        }
      }
    } catch (IOException e) {
      return "unknown";
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    return "unknown";
  }
}
