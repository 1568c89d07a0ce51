package dev.clae.trainer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.clae.platform.Settings;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** {@code trainer.early.threads}: read from the environment, refused naming it when invalid. */
class EarlyThreadsSettingTest {
  @Test
  void valuesComeFromTheEnvironmentWithAllThreadsByDefault() {
    assertEquals(0, RunTrainer.earlyThreads(Settings.load(Map.of())));
    assertEquals(
        -1, RunTrainer.earlyThreads(Settings.load(Map.of("CLAE_TRAINER_EARLY_THREADS", "-1"))));
    assertEquals(
        3, RunTrainer.earlyThreads(Settings.load(Map.of("CLAE_TRAINER_EARLY_THREADS", "3"))));
  }

  @Test
  void invalidValuesAreRefusedNamingTheSetting() {
    for (String bad : new String[] {"-2", "two"}) {
      IllegalArgumentException e =
          assertThrows(
              IllegalArgumentException.class,
              () ->
                  RunTrainer.earlyThreads(
                      Settings.load(Map.of("CLAE_TRAINER_EARLY_THREADS", bad))));
      assertTrue(e.getMessage().startsWith("trainer.early.threads="), e.getMessage());
    }
  }
}
