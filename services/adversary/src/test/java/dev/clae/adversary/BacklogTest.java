package dev.clae.adversary;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.clae.proto.ViewBatch;
import java.util.List;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;

class BacklogTest {
  private static final TopicPartition P0 = new TopicPartition("views", 0);
  private static final TopicPartition P1 = new TopicPartition("views", 1);

  private static ViewBatch batch(long b) {
    return ViewBatch.newBuilder().setRunId("r").setBatchId(b).build();
  }

  @Test
  void servesLowestBatchFirstAndCommitsOnlyAnsweredPrefixes() {
    Backlog log = new Backlog();
    log.add(P0, 10, batch(5), new float[0]);
    log.add(P0, 11, batch(2), new float[0]);
    log.add(P1, 3, batch(4), new float[0]);
    log.add(P1, 4, null, null);
    List<Backlog.Item> waiting = log.waiting();
    assertEquals(List.of(2L, 4L, 5L), waiting.stream().map(i -> i.batch().getBatchId()).toList());
    // Nothing answered yet: commit at the first open offset of each partition.
    assertEquals(10L, log.committable().get(P0));
    assertEquals(3L, log.committable().get(P1));
    log.done(waiting.get(0));
    assertEquals(10L, log.committable().get(P0), "offset 10 (batch 5) is still open");
    log.done(waiting.get(1));
    assertEquals(5L, log.committable().get(P1), "3 answered, 4 needed no answer");
    log.done(waiting.get(2));
    assertEquals(12L, log.committable().get(P0));
    assertEquals(0, log.size());
  }

  @Test
  void revokedPartitionsAreForgotten() {
    Backlog log = new Backlog();
    log.add(P0, 1, batch(1), new float[0]);
    log.add(P1, 1, batch(2), new float[0]);
    log.revoke(List.of(P0));
    assertEquals(1, log.size());
    assertEquals(null, log.committable().get(P0));
  }
}
