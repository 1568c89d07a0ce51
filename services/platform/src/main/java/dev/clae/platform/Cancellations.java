package dev.clae.platform;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Whether a run was cancelled, as the coordinator marks it in the object store. Answers are cached
 * for a couple of seconds so that asking once a batch stays cheap; a cancelled run stays cancelled,
 * so that answer is kept for good.
 */
public final class Cancellations {
  private static final long TTL_NANOS = 2_000_000_000L;

  private final ObjectStore store;
  private final Map<String, Long> checkedAt = new ConcurrentHashMap<>();
  private final Map<String, Boolean> cancelled = new ConcurrentHashMap<>();

  /** Reads markers from a store. */
  public Cancellations(ObjectStore store) {
    this.store = store;
  }

  /** Returns whether the run is cancelled. */
  public boolean isCancelled(String runId) {
    if (Boolean.TRUE.equals(cancelled.get(runId))) {
      return true;
    }
    long now = System.nanoTime();
    Long at = checkedAt.get(runId);
    if (at == null || now - at > TTL_NANOS) {
      cancelled.put(runId, store.exists(Artifacts.cancelled(runId)));
      checkedAt.put(runId, now);
    }
    return cancelled.get(runId);
  }
}
