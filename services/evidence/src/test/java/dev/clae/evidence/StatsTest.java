package dev.clae.evidence;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class StatsTest {
  @Test
  void meanSdAndStudentIntervalByHand() {
    List<Double> v = List.of(1.0, 2.0, 3.0);
    assertEquals(2.0, Stats.mean(v), 1e-12);
    // Sample variance ((1)^2 + 0 + (1)^2) / 2 = 1.
    assertEquals(1.0, Stats.sd(v), 1e-12);
    // t(0.975, 2 df) = 4.303; half-width 4.303 * 1 / sqrt(3) = 2.48434.
    assertEquals(2.48434, Stats.halfWidth95(v), 1e-5);
    assertTrue(Double.isNaN(Stats.halfWidth95(List.of(1.0))));
  }
}
