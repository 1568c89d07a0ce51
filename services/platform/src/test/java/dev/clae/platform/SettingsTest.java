package dev.clae.platform;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SettingsTest {
  @Test
  void environmentThenArgumentsOverrideDefaults() {
    Settings s =
        Settings.load(
            Map.of("CLAE_KAFKA_BOOTSTRAP_SERVERS", "broker:9092", "CLAE_HTTP_PORT", "81"),
            "--set",
            "http.port=82");
    assertEquals("broker:9092", s.get(Settings.KAFKA_BOOTSTRAP));
    assertEquals(82, s.getInt(Settings.HTTP_PORT));
    assertEquals("clae", s.get(Settings.S3_BUCKET));
  }

  @Test
  void secretsComeFromFilesAndNeverShow(@TempDir Path dir) throws Exception {
    Path f = dir.resolve("secret");
    Files.writeString(f, "s3cr3t-value\n");
    Settings s = Settings.load(Map.of("CLAE_S3_SECRET_KEY_FILE", f.toString()));
    assertEquals("s3cr3t-value", s.get(Settings.S3_SECRET_KEY));
    String shown = s.describe().toString();
    assertFalse(shown.contains("s3cr3t"), shown);
    assertEquals("<set>", s.describe().get("s3.secret.key"));
    assertEquals("<unset>", s.describe().get("api.token"));
  }

  @Test
  void badInputNamesTheSetting(@TempDir Path dir) {
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () -> Settings.load(Map.of(), "--set", "kafka.bogus=1"));
    assertTrue(e.getMessage().contains("kafka.bogus"), e.getMessage());
    Settings s = Settings.load(Map.of("CLAE_HTTP_PORT", "eighty"));
    e = assertThrows(IllegalArgumentException.class, () -> s.getInt(Settings.HTTP_PORT));
    assertTrue(e.getMessage().contains("http.port=eighty"), e.getMessage());
    Settings missing = Settings.load(Map.of("CLAE_API_TOKEN_FILE", dir.resolve("nope").toString()));
    e = assertThrows(IllegalArgumentException.class, () -> missing.get(Settings.API_TOKEN));
    assertTrue(e.getMessage().startsWith("api.token.file"), e.getMessage());
  }
}
