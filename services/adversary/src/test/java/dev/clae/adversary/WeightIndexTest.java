package dev.clae.adversary;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.clae.proto.WeightSnapshot;
import org.junit.jupiter.api.Test;

class WeightIndexTest {
  private static WeightSnapshot w(long gen, long v) {
    return WeightSnapshot.newBuilder().setRunId("r").setGeneration(gen).setVersion(v).build();
  }

  @Test
  void picksTheNewestVersionTheLagAllows() {
    WeightIndex idx = new WeightIndex();
    idx.add(w(1, 0));
    idx.add(w(1, 2));
    idx.add(w(1, 4));
    // Lag 0: batch 4 needs version 4 exactly, batch 5 has to wait.
    assertEquals(4, idx.pick("r", 1, 4, 0).getVersion());
    assertNull(idx.pick("r", 1, 5, 0));
    // Lag 1: batch 5 may use version 4; batch 3 uses 2, not the future version 4.
    assertEquals(4, idx.pick("r", 1, 5, 1).getVersion());
    assertEquals(2, idx.pick("r", 1, 3, 1).getVersion());
    assertNull(idx.pick("r", 2, 4, 3), "no weights of that generation");
  }

  @Test
  void batchesOfARestartedOrPassedTrainerAreObsolete() {
    WeightIndex idx = new WeightIndex();
    idx.add(w(1, 5));
    assertTrue(idx.obsolete("r", 1, 3), "the trainer is past batch 3");
    assertFalse(idx.obsolete("r", 1, 5));
    idx.add(w(2, 4));
    assertTrue(idx.obsolete("r", 1, 6), "generation 1 was superseded");
    assertFalse(idx.obsolete("r", 2, 4));
    assertFalse(idx.obsolete("r", 3, 4), "a later generation's weights are on their way");
  }
}
