package dev.clae.it;

import static java.util.concurrent.TimeUnit.SECONDS;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.clae.local.LocalKafka;
import dev.clae.platform.Kafka;
import dev.clae.platform.Settings;
import dev.clae.platform.Topics;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ExecutionException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.errors.RecordTooLargeException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Raising {@code kafka.inline.max.bytes} raises every Kafka limit on the way (producer request,
 * topic message, consumer fetch), through a real broker left at its default 1 MiB limit, also on
 * topics created before at a lower limit.
 */
class KafkaLimitsTest {
  /** One view batch of 256 Fashion-MNIST-sized pairs in float32: 1,605,632 bytes. */
  private static final int VIEWS_BYTES = 4 * 2 * 256 * 28 * 28;

  @Test
  void aViewBatchOverOneMebibyteTravelsInlineOnlyWhenTheLimitIsRaised(@TempDir Path dir)
      throws Exception {
    byte[] payload = new byte[VIEWS_BYTES];
    new Random(3).nextBytes(payload);
    try (LocalKafka broker = LocalKafka.start(dir)) {
      Settings raised =
          Settings.of(
              Map.of(
                  "kafka.bootstrap.servers", broker.bootstrapServers(),
                  "kafka.topic.prefix", "raised.",
                  "kafka.inline.max.bytes", "2000000"));
      assertEquals(2_000_000 + 64 * 1024, Kafka.maxMessageBytes(raised));
      Topics topics = new Topics(raised);
      topics.ensure(raised);
      try (KafkaProducer<String, byte[]> producer = Kafka.producer(raised, "limits-test")) {
        producer.send(new ProducerRecord<>(topics.views, "b0", payload)).get(30, SECONDS);
      }
      try (KafkaConsumer<String, byte[]> consumer =
          Kafka.consumer(raised, "limits-test", "limits-test", 1)) {
        consumer.subscribe(List.of(topics.views));
        byte[] seen = null;
        long deadline = System.nanoTime() + SECONDS.toNanos(30);
        while (seen == null && System.nanoTime() < deadline) {
          for (ConsumerRecord<String, byte[]> r : consumer.poll(Duration.ofMillis(500))) {
            seen = r.value();
          }
        }
        assertArrayEquals(payload, seen, "the 1.6 MB view batch came back whole");
      }

      // At the default inline limit (900,000) the producer refuses the same message.
      Settings plain =
          Settings.of(
              Map.of(
                  "kafka.bootstrap.servers",
                  broker.bootstrapServers(),
                  "kafka.topic.prefix",
                  "plain."));
      assertEquals(1024 * 1024, Kafka.maxMessageBytes(plain));
      Topics defaults = new Topics(plain);
      defaults.ensure(plain);
      try (KafkaProducer<String, byte[]> producer = Kafka.producer(plain, "limits-test-2")) {
        ExecutionException e =
            assertThrows(
                ExecutionException.class,
                () ->
                    producer
                        .send(new ProducerRecord<>(defaults.views, "b0", payload))
                        .get(30, SECONDS));
        assertInstanceOf(RecordTooLargeException.class, e.getCause());
      }

      // A service started with the raised limit finds those topics too small and raises them.
      Settings raisedLater =
          Settings.of(
              Map.of(
                  "kafka.bootstrap.servers", broker.bootstrapServers(),
                  "kafka.topic.prefix", "plain.",
                  "kafka.inline.max.bytes", "2000000",
                  "kafka.data.retention.ms", "120000"));
      new Topics(raisedLater).ensure(raisedLater);
      try (KafkaProducer<String, byte[]> producer = Kafka.producer(raisedLater, "limits-test-3")) {
        producer.send(new ProducerRecord<>(defaults.views, "b0", payload)).get(30, SECONDS);
      }
      try (Admin admin =
          Admin.create(
              Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers()))) {
        Config views = topicConfig(admin, defaults.views);
        assertEquals("2065536", views.get(TopicConfig.MAX_MESSAGE_BYTES_CONFIG).value());
        // Created with an hour's retention, which the later service, asking for two minutes,
        // left alone: it only raises the message limit of topics that exist.
        assertEquals("3600000", views.get(TopicConfig.RETENTION_MS_CONFIG).value());
        assertEquals("3600000", views.get(TopicConfig.SEGMENT_MS_CONFIG).value());
        Config runs = topicConfig(admin, defaults.runs);
        assertEquals("2065536", runs.get(TopicConfig.MAX_MESSAGE_BYTES_CONFIG).value());
        assertNotEquals(
            ConfigEntry.ConfigSource.DYNAMIC_TOPIC_CONFIG,
            runs.get(TopicConfig.RETENTION_MS_CONFIG).source(),
            "control topics keep the broker's retention");
      }
    }
  }

  private static Config topicConfig(Admin admin, String topic) throws Exception {
    ConfigResource r = new ConfigResource(ConfigResource.Type.TOPIC, topic);
    return admin.describeConfigs(List.of(r)).all().get(30, SECONDS).get(r);
  }
}
