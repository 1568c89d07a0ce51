package dev.clae.platform;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * How the inline limit sizes every Kafka limit, and what the pipeline's topics are created with.
 */
class KafkaSizingTest {
  private static Settings with(String... kv) {
    Map<String, String> m = new java.util.HashMap<>();
    for (int i = 0; i < kv.length; i += 2) {
      m.put(kv[i], kv[i + 1]);
    }
    return Settings.of(m);
  }

  @Test
  void theLargestMessageIsTheInlineLimitPlusFramingNeverBelowKafkasDefault() {
    assertEquals(1_048_576, Kafka.maxMessageBytes(with()));
    assertEquals(
        4_000_000 + 65_536, Kafka.maxMessageBytes(with("kafka.inline.max.bytes", "4000000")));
    // The highest limit a consumer's 4 MiB check still admits, framing included.
    assertEquals(4_194_304, Kafka.maxMessageBytes(with("kafka.inline.max.bytes", "4128768")));
  }

  @Test
  void anInlineLimitAboveWhatConsumersAcceptIsRefusedNamingTheSetting() {
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () -> Kafka.maxMessageBytes(with("kafka.inline.max.bytes", "4128769")));
    assertTrue(e.getMessage().startsWith("kafka.inline.max.bytes=4128769"), e.getMessage());
    e =
        assertThrows(
            IllegalArgumentException.class,
            () -> Kafka.maxMessageBytes(with("kafka.inline.max.bytes", "-1")));
    assertTrue(e.getMessage().startsWith("kafka.inline.max.bytes=-1"), e.getMessage());
  }

  @Test
  void bulkTopicsKeepTheirRecordsForTheDataRetentionOthersForTheBrokers() {
    Settings s = with("kafka.inline.max.bytes", "2000000", "kafka.data.retention.ms", "120000");
    Topics t = new Topics(s);
    for (String bulk : new String[] {t.views, t.adversarial, t.weights}) {
      Map<String, String> c = t.configOf(bulk, s);
      assertEquals("2065536", c.get("max.message.bytes"), bulk);
      assertEquals("120000", c.get("retention.ms"), bulk);
      assertEquals("67108864", c.get("segment.bytes"), bulk);
      // A quiet topic's segment closes after the retention, so that it can be deleted.
      assertEquals("120000", c.get("segment.ms"), bulk);
    }
    for (String control : new String[] {t.runs, t.progress, t.results, t.checkpoints}) {
      assertEquals(Map.of("max.message.bytes", "2065536"), t.configOf(control, s), control);
    }
    assertEquals("3600000", t.configOf(t.views, with()).get("retention.ms"));
  }

  @Test
  void aRetentionUnderOneMinuteIsRefusedNamingTheSetting() {
    Settings s = with("kafka.data.retention.ms", "59999");
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class, () -> new Topics(s).configOf(new Topics(s).views, s));
    assertTrue(e.getMessage().startsWith("kafka.data.retention.ms=59999"), e.getMessage());
    // Also where every topic exists already: each service checks it at start.
    e = assertThrows(IllegalArgumentException.class, () -> Topics.dataRetentionMs(s));
    assertTrue(e.getMessage().startsWith("kafka.data.retention.ms=59999"), e.getMessage());
  }
}
