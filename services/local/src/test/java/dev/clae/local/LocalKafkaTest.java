package dev.clae.local;

import static java.util.concurrent.TimeUnit.SECONDS;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Starts the real broker as its own JVM and moves records through it with the real clients. */
class LocalKafkaTest {
  private static final String TOPIC = "clae-local-test";
  private static final List<String> RECORDS = List.of("k0=v0", "k1=v1", "k2=v2");

  @Test
  void producesAndConsumesThroughARealBrokerThenStopsAndRestarts(@TempDir Path dir)
      throws Exception {
    long pid;
    try (LocalKafka kafka = LocalKafka.start(dir)) {
      pid = kafka.process().pid();
      assertTrue(kafka.process().isAlive());
      String bootstrap = kafka.bootstrapServers();

      try (Admin admin =
          Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap))) {
        admin.createTopics(List.of(new NewTopic(TOPIC, 1, (short) 1))).all().get(30, SECONDS);
        assertEquals(Set.of(TOPIC), admin.listTopics().names().get(30, SECONDS));
      }

      Map<String, Object> producerConf =
          Map.of(
              ProducerConfig.BOOTSTRAP_SERVERS_CONFIG,
              bootstrap,
              ProducerConfig.ACKS_CONFIG,
              "all",
              ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG,
              StringSerializer.class,
              ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG,
              StringSerializer.class);
      try (KafkaProducer<String, String> producer = new KafkaProducer<>(producerConf)) {
        for (int i = 0; i < 3; i++) {
          producer.send(new ProducerRecord<>(TOPIC, "k" + i, "v" + i)).get(30, SECONDS);
        }
      }

      assertEquals(RECORDS, consumeAll(bootstrap, "first"));
      assertTrue(Files.size(kafka.process().log()) > 0, "the broker writes its log");
    }
    assertFalse(
        ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false),
        "broker process gone after close");

    // A second start on the same folder skips formatting and keeps topics and records, even
    // though it listens on new ports.
    try (LocalKafka again = LocalKafka.start(dir)) {
      assertEquals(RECORDS, consumeAll(again.bootstrapServers(), "second"));
    }
  }

  /** Reads the topic from the start in a new group until three records came, then 0.5 s more. */
  private static List<String> consumeAll(String bootstrap, String group) {
    Map<String, Object> consumerConf =
        Map.of(
            ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG,
            bootstrap,
            ConsumerConfig.GROUP_ID_CONFIG,
            group,
            ConsumerConfig.AUTO_OFFSET_RESET_CONFIG,
            "earliest",
            ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG,
            StringDeserializer.class,
            ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG,
            StringDeserializer.class);
    List<String> seen = new ArrayList<>();
    try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(consumerConf)) {
      consumer.subscribe(List.of(TOPIC));
      long deadline = System.nanoTime() + SECONDS.toNanos(30);
      while (seen.size() < 3 && System.nanoTime() < deadline) {
        for (ConsumerRecord<String, String> r : consumer.poll(Duration.ofMillis(500))) {
          seen.add(r.key() + "=" + r.value());
        }
      }
      // Nothing beyond the three records arrives.
      for (ConsumerRecord<String, String> r : consumer.poll(Duration.ofMillis(500))) {
        seen.add(r.key() + "=" + r.value());
      }
    }
    return seen;
  }
}
