package dev.clae.trainer;

import dev.clae.proto.AdversarialBatch;
import dev.clae.proto.ViewBatch;
import java.util.HashMap;
import java.util.Map;

/**
 * The trainer's inbox for one run and generation: view batches and adversarial batches by batch id,
 * until both halves of the next batch are here. It is where idempotence lives: a batch already
 * trained (or dropped), already buffered, or asked for by an earlier trainer generation is not kept
 * again, only counted.
 */
final class Inputs {
  private final String run;
  private final long generation;
  private final Map<Long, ViewBatch> views = new HashMap<>();
  private final Map<Long, AdversarialBatch> adversarial = new HashMap<>();
  private final Map<Long, byte[]> payloads = new HashMap<>();
  private long duplicates;

  Inputs(String run, long generation) {
    this.run = run;
    this.generation = generation;
  }

  /**
   * Offers a view batch; returns whether it was kept.
   *
   * @param next the first batch not yet processed
   */
  boolean offer(ViewBatch vb, long next) {
    if (!run.equals(vb.getRunId())) {
      return false;
    }
    if (vb.getGeneration() != generation
        || vb.getBatchId() < next
        || views.containsKey(vb.getBatchId())) {
      duplicates++;
      return false;
    }
    views.put(vb.getBatchId(), vb);
    return true;
  }

  /** Offers an adversarial batch; returns whether it was kept. */
  boolean offer(AdversarialBatch ab, long next) {
    if (!run.equals(ab.getRunId())) {
      return false;
    }
    if (ab.getGeneration() != generation
        || ab.getBatchId() < next
        || adversarial.containsKey(ab.getBatchId())) {
      duplicates++;
      return false;
    }
    adversarial.put(ab.getBatchId(), ab);
    return true;
  }

  /** Keeps the bytes of view batch {@code b}, read as soon as it arrived. */
  void payload(long b, byte[] bytes) {
    payloads.put(b, bytes);
  }

  /** Returns the bytes of view batch {@code b}, or null. */
  byte[] payload(long b) {
    return payloads.get(b);
  }

  /** Forgets a view batch whose bytes could not be read, so that it can be asked for again. */
  void forgetViews(long b) {
    views.remove(b);
    payloads.remove(b);
  }

  /** Returns the view batch {@code b}, or null. */
  ViewBatch views(long b) {
    return views.get(b);
  }

  /** Returns the adversarial batch {@code b}, or null. */
  AdversarialBatch adversarial(long b) {
    return adversarial.get(b);
  }

  /** Forgets batch {@code b} once it is processed. */
  void remove(long b) {
    views.remove(b);
    adversarial.remove(b);
    payloads.remove(b);
  }

  /** Returns redelivered, superseded or repeated messages seen. */
  long duplicates() {
    return duplicates;
  }
}
