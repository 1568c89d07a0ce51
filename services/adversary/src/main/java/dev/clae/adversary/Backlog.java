package dev.clae.adversary;

import dev.clae.proto.ViewBatch;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import org.apache.kafka.common.TopicPartition;

/**
 * View batches an adversary has received but not yet answered, and the offsets it may commit.
 * Batches of one run arrive in any order across partitions, and at a lag of 0 batch {@code t} can
 * only be attacked once the trainer has trained batch {@code t - 1}; so an adversary must never
 * block on one batch while it holds an earlier one. It keeps them here and answers the lowest batch
 * whose weights are there. An offset is committed only once it and every offset before it in its
 * partition are answered (or dropped), so a crash loses nothing.
 */
final class Backlog {
  /** A received batch, its anchor views (read on arrival) and where it came from. */
  record Item(TopicPartition partition, long offset, ViewBatch batch, float[] view1) {}

  private final List<Item> items = new ArrayList<>();
  private final Map<TopicPartition, TreeSet<Long>> open = new HashMap<>();
  private final Map<TopicPartition, Long> next = new HashMap<>();

  /** Records an offset as received; {@code batch} null means it needs no answer. */
  void add(TopicPartition p, long offset, ViewBatch batch, float[] view1) {
    next.merge(p, offset + 1, Math::max);
    if (batch != null) {
      open.computeIfAbsent(p, k -> new TreeSet<>()).add(offset);
      items.add(new Item(p, offset, batch, view1));
    }
  }

  /** Returns the waiting batches, lowest batch id first. */
  List<Item> waiting() {
    List<Item> sorted = new ArrayList<>(items);
    sorted.sort(Comparator.comparingLong((Item i) -> i.batch().getBatchId()));
    return sorted;
  }

  /** Marks a batch answered or dropped. */
  void done(Item item) {
    items.remove(item);
    TreeSet<Long> o = open.get(item.partition());
    if (o != null) {
      o.remove(item.offset());
    }
  }

  /** Returns the batches waiting. */
  int size() {
    return items.size();
  }

  /** Returns, for each partition, the offset to commit: the first not yet answered. */
  Map<TopicPartition, Long> committable() {
    Map<TopicPartition, Long> out = new HashMap<>();
    next.forEach(
        (p, n) -> {
          TreeSet<Long> o = open.get(p);
          out.put(p, o == null || o.isEmpty() ? n : o.first());
        });
    return out;
  }

  /** Forgets partitions this replica no longer owns; another replica takes their batches. */
  void revoke(java.util.Collection<TopicPartition> parts) {
    items.removeIf(i -> parts.contains(i.partition()));
    parts.forEach(
        p -> {
          open.remove(p);
          next.remove(p);
        });
  }
}
