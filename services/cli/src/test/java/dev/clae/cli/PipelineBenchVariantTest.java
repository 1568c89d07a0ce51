package dev.clae.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import org.junit.jupiter.api.Test;

/** The {@code --variants} syntax of {@code clae bench-pipeline}, and its refusals. */
class PipelineBenchVariantTest {
  @Test
  void fieldsLeftOutTakeTheDefaults() {
    PipelineBench.Variant v = PipelineBench.Variant.parse("4");
    assertEquals(4, v.lag());
    assertEquals(1, v.adversaries());
    assertEquals(0, v.trainerThreads());
    assertEquals(0, v.adversaryThreads());
    assertNull(v.earlyThreads());
    assertEquals(Map.of(), v.env());
    assertEquals("pipeline_lag4", v.name());
  }

  @Test
  void everyFieldAndEnvironmentVariablesAreRead() {
    PipelineBench.Variant v =
        PipelineBench.Variant.parse("0:2:2:1:-1+GOMP_SPINCOUNT=300000+MALLOC_ARENA_MAX=2");
    assertEquals(0, v.lag());
    assertEquals(2, v.adversaries());
    assertEquals(2, v.trainerThreads());
    assertEquals(1, v.adversaryThreads());
    assertEquals(-1, v.earlyThreads());
    assertEquals(Map.of("GOMP_SPINCOUNT", "300000", "MALLOC_ARENA_MAX", "2"), v.env());
    assertEquals(
        "pipeline_lag0_2adversaries_threads2x1_noearly_GOMP_SPINCOUNT=300000_MALLOC_ARENA_MAX=2",
        v.name());
    assertEquals(
        "pipeline_lag1_threads1x1_early1", PipelineBench.Variant.parse("1:1:1:1:1").name());
  }

  @Test
  void malformedVariantsAreRefusedNamingThem() {
    IllegalArgumentException tooMany =
        assertThrows(
            IllegalArgumentException.class, () -> PipelineBench.Variant.parse("0:1:2:1:1:9"));
    assertTrue(tooMany.getMessage().contains("'0:1:2:1:1:9'"), tooMany.getMessage());
    IllegalArgumentException env =
        assertThrows(IllegalArgumentException.class, () -> PipelineBench.Variant.parse("0+SPIN"));
    assertTrue(env.getMessage().contains("'SPIN'"), env.getMessage());
    IllegalArgumentException number =
        assertThrows(IllegalArgumentException.class, () -> PipelineBench.Variant.parse("x:1"));
    assertTrue(
        number.getMessage().startsWith("--variants x:1: x: not a whole number"),
        number.getMessage());
  }
}
