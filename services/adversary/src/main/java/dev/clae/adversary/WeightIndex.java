package dev.clae.adversary;

import dev.clae.proto.WeightSnapshot;
import java.util.HashMap;
import java.util.Map;
import java.util.TreeMap;

/**
 * The weight snapshots announced for each run, by trainer generation and version. An adversary
 * reads the whole weights topic into it and picks, for batch {@code t}, the newest version {@code v
 * <= t} of the batch's generation with {@code t - v <= max lag}.
 */
final class WeightIndex {
  private final Map<String, Map<Long, TreeMap<Long, WeightSnapshot>>> byRun = new HashMap<>();
  private final Map<String, Long> newestGeneration = new HashMap<>();

  /** Records an announcement. */
  void add(WeightSnapshot w) {
    byRun
        .computeIfAbsent(w.getRunId(), r -> new HashMap<>())
        .computeIfAbsent(w.getGeneration(), g -> new TreeMap<>())
        .put(w.getVersion(), w);
    newestGeneration.merge(w.getRunId(), w.getGeneration(), Math::max);
  }

  /** Returns the snapshot to attack batch {@code t} with, or null when none fits yet. */
  WeightSnapshot pick(String run, long generation, long t, int maxLag) {
    TreeMap<Long, WeightSnapshot> versions = versions(run, generation);
    if (versions == null) {
      return null;
    }
    Map.Entry<Long, WeightSnapshot> e = versions.floorEntry(t);
    return e != null && t - e.getKey() <= maxLag ? e.getValue() : null;
  }

  /**
   * Returns whether batch {@code t} of a generation can no longer be wanted: the trainer has
   * restarted since (a later generation announced weights) or has moved past it. A batch of a
   * generation whose weights have not arrived yet is not obsolete: they are on their way.
   */
  boolean obsolete(String run, long generation, long t) {
    Long newest = newestGeneration.get(run);
    if (newest != null && newest > generation) {
      return true;
    }
    TreeMap<Long, WeightSnapshot> versions = versions(run, generation);
    return versions != null && !versions.isEmpty() && versions.lastKey() > t;
  }

  private TreeMap<Long, WeightSnapshot> versions(String run, long generation) {
    Map<Long, TreeMap<Long, WeightSnapshot>> gens = byRun.get(run);
    return gens == null ? null : gens.get(generation);
  }
}
