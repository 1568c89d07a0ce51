package dev.clae.platform;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.clae.config.ClaeConfig;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Run specs in the object store: the resolved configuration of a run (every key of {@code clae
 * train}'s config and the {@code pipeline.*} keys) with its provenance. The coordinator writes a
 * spec once; the services read it by run id and keep it, since it never changes.
 */
public final class RunSpecs {
  private static final ObjectMapper JSON = new ObjectMapper();

  /** A stored spec. */
  public record Spec(
      String runId,
      String name,
      long submittedMs,
      ClaeConfig config,
      Map<String, Object> provenance) {}

  private final ObjectStore store;
  private final Map<String, Spec> cache = new ConcurrentHashMap<>();

  /** Reads and writes specs in a store. */
  public RunSpecs(ObjectStore store) {
    this.store = store;
  }

  /** Writes a spec. */
  public void write(Spec spec) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("run_id", spec.runId());
    m.put("name", spec.name());
    m.put("submitted_ms", spec.submittedMs());
    m.put("config", spec.config().asMap());
    m.put("provenance", spec.provenance());
    try {
      store.put(
          Artifacts.spec(spec.runId()), JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(m));
    } catch (IOException e) {
      throw new StoreException("cannot encode the spec of run " + spec.runId(), e);
    }
    cache.put(spec.runId(), spec);
  }

  /**
   * Returns a run's spec.
   *
   * @throws RejectedMessageException when the run has no spec or it cannot be read
   */
  public Spec get(String runId) {
    Spec s = cache.get(runId);
    if (s != null) {
      return s;
    }
    byte[] raw =
        store
            .find(Artifacts.spec(runId))
            .orElseThrow(() -> new RejectedMessageException("unknown run " + runId + ": no spec"));
    s = decode(raw);
    cache.put(runId, s);
    return s;
  }

  /** Decodes a spec's JSON. */
  public static Spec decode(byte[] raw) {
    try {
      Map<String, Object> m = JSON.readValue(raw, new TypeReference<Map<String, Object>>() {});
      @SuppressWarnings("unchecked")
      Map<String, String> config = (Map<String, String>) m.get("config");
      @SuppressWarnings("unchecked")
      Map<String, Object> provenance = (Map<String, Object>) m.get("provenance");
      return new Spec(
          (String) m.get("run_id"),
          (String) m.getOrDefault("name", ""),
          ((Number) m.get("submitted_ms")).longValue(),
          ClaeConfig.builder().setAll(config).build(),
          provenance);
    } catch (IOException | RuntimeException e) {
      throw new RejectedMessageException("malformed run spec: " + e.getMessage(), e);
    }
  }
}
