package dev.clae.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ClaeConfigTest {
  @Test
  void autoDefaultsFollowTheMethod() {
    ClaeConfig simclr = ClaeConfig.builder().set("method", "simclr").build();
    assertEquals(0.5, simclr.get(Keys.TEMPERATURE));
    assertEquals(256, simclr.get(Keys.BATCH_SIZE));
    assertEquals("adam", simclr.get(Keys.OPTIMIZER));
    assertEquals(3e-4, simclr.get(Keys.LR));
    assertEquals(List.of(), simclr.get(Keys.LR_MILESTONES));
    assertEquals(64, simclr.get(Keys.HEAD_DIM));
    assertEquals(512, simclr.get(Keys.HEAD_HIDDEN));
    assertEquals("backbone", simclr.get(Keys.EVAL_FEATURES));
    ClaeConfig uel = ClaeConfig.builder().set("method", "uel").set("encoder.width", "0.5").build();
    assertEquals(0.1, uel.get(Keys.TEMPERATURE));
    assertEquals(128, uel.get(Keys.BATCH_SIZE));
    assertEquals("sgd", uel.get(Keys.OPTIMIZER));
    assertEquals(0.03, uel.get(Keys.LR));
    assertEquals(5e-4, uel.get(Keys.WEIGHT_DECAY));
    assertEquals(List.of(120, 160, 200), uel.get(Keys.LR_MILESTONES));
    assertEquals(0, uel.get(Keys.HEAD_HIDDEN));
    assertEquals(0.1, uel.get(Keys.KNN_TEMPERATURE));
    assertEquals(0.03, uel.get(Keys.ADV_EPS));
    assertEquals(1.0, uel.get(Keys.ADV_ALPHA));
    assertEquals(0.01, uel.get(Keys.ADV_BN_MOMENTUM));
  }

  @Test
  void explicitValuesBeatAutoDefaults() {
    ClaeConfig c = ClaeConfig.builder().set("method", "uel").set("loss.temperature", "0.2").build();
    assertEquals(0.2, c.get(Keys.TEMPERATURE));
    assertEquals(0.2, c.get(Keys.KNN_TEMPERATURE));
  }

  @Test
  void badValuesNameTheKeyAndRule() {
    assertMessage("adversarial.eps=-0.1: must be in [0, 10]", "adversarial.eps", "-0.1");
    assertMessage(
        "method=byol: unknown value, expected one of simclr, uel, plain", "method", "byol");
    assertMessage("train.batch.size=1: must be in [2, 1048576]", "train.batch.size", "1");
    assertMessage("adversarial.enabled=yes: expected true or false", "adversarial.enabled", "yes");
    assertMessage("train.epochs=ten: expected an integer", "train.epochs", "ten");
  }

  @Test
  void unknownKeySuggestsTheClosestOne() {
    ConfigException e =
        assertThrows(
            ConfigException.class, () -> ClaeConfig.builder().set("adversarial.epsilon", "0.1"));
    assertEquals(
        "unknown config key 'adversarial.epsilon'; did you mean 'adversarial.eps'?",
        e.getMessage());
  }

  @Test
  void autoIsRejectedWhereTheDefaultIsNotAuto() {
    ConfigException e =
        assertThrows(
            ConfigException.class, () -> ClaeConfig.builder().set("adversarial.eps", "auto"));
    assertTrue(e.getMessage().startsWith("adversarial.eps=auto"), e.getMessage());
  }

  @Test
  void fileValuesAreReadAndOverridden(@TempDir Path dir) throws Exception {
    Path f = dir.resolve("run.properties");
    Files.writeString(f, "# a comment\nmethod = uel\n\nadversarial.eps = 0.05\n");
    ClaeConfig c = ClaeConfig.builder().load(f).set("adversarial.eps=0.02").build();
    assertEquals("uel", c.get(Keys.METHOD));
    assertEquals(0.02, c.get(Keys.ADV_EPS));
  }

  @Test
  void fileErrorsNameFileAndLine(@TempDir Path dir) throws Exception {
    Path f = dir.resolve("bad.properties");
    Files.writeString(f, "method = uel\nadversarial.eps = -1\n");
    ConfigException e = assertThrows(ConfigException.class, () -> ClaeConfig.builder().load(f));
    assertEquals("adversarial.eps=-1: must be in [0, 10] (" + f + " line 2)", e.getMessage());
    Files.writeString(f, "method uel\n");
    e = assertThrows(ConfigException.class, () -> ClaeConfig.builder().load(f));
    assertTrue(e.getMessage().contains(f + " line 1: expected key = value"), e.getMessage());
    ConfigException missing =
        assertThrows(
            ConfigException.class, () -> ClaeConfig.builder().load(dir.resolve("none.properties")));
    assertTrue(missing.getMessage().startsWith("config file " + dir.resolve("none.properties")));
  }

  private static void assertMessage(String expected, String key, String value) {
    ConfigException e =
        assertThrows(ConfigException.class, () -> ClaeConfig.builder().set(key, value));
    assertEquals(expected, e.getMessage());
  }
}
