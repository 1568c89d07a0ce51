package dev.clae.trainer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.clae.proto.AdversarialBatch;
import dev.clae.proto.ViewBatch;
import org.junit.jupiter.api.Test;

class InputsTest {
  private static ViewBatch views(String run, long gen, long b) {
    return ViewBatch.newBuilder().setRunId(run).setGeneration(gen).setBatchId(b).build();
  }

  @Test
  void keepsEachBatchOnceAndDropsRedeliveries() {
    Inputs in = new Inputs("r1", 7);
    assertTrue(in.offer(views("r1", 7, 3), 2));
    assertFalse(in.offer(views("r1", 7, 3), 2), "same batch twice");
    assertFalse(in.offer(views("r1", 7, 1), 2), "already processed");
    assertFalse(in.offer(views("r1", 6, 4), 2), "earlier trainer generation");
    assertEquals(3, in.duplicates());
    assertFalse(in.offer(views("other", 7, 5), 2), "another run is not ours");
    assertEquals(3, in.duplicates(), "another run's batch is not a duplicate");
    assertNotNull(in.views(3));
    in.remove(3);
    assertNull(in.views(3));
  }

  @Test
  void adversarialBatchesFollowTheSameRules() {
    Inputs in = new Inputs("r1", 7);
    AdversarialBatch a =
        AdversarialBatch.newBuilder().setRunId("r1").setGeneration(7).setBatchId(0).build();
    assertTrue(in.offer(a, 0));
    assertFalse(in.offer(a, 0));
    assertEquals(1, in.duplicates());
    assertNotNull(in.adversarial(0));
  }
}
