package dev.clae.platform;

import java.util.HashMap;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * Producers and consumers as the pipeline uses them: string keys, protobuf bytes as values.
 * Producers are idempotent with {@code acks=all}; consumers commit by hand after a message is
 * handled, so processing is at least once and handlers are idempotent by batch id.
 */
public final class Kafka {
  private Kafka() {}

  /** Room for a message's fields and Kafka's record framing beyond its inline payload. */
  static final int FRAMING_BYTES = 64 * 1024;

  /** Kafka's own default limit of a message, a request and a partition fetch: 1 MiB. */
  static final int KAFKA_DEFAULT_LIMIT = 1024 * 1024;

  /**
   * Returns the largest message the pipeline sends: an inline payload of {@code
   * kafka.inline.max.bytes} and its framing, never below Kafka's default. Producers, consumers and
   * the topics the pipeline creates are sized by it, so raising the inline limit raises every limit
   * on the way with it.
   *
   * @throws IllegalArgumentException when the inline limit is negative or leaves no room for
   *     framing under {@link Messages#MAX_MESSAGE_BYTES}
   */
  public static int maxMessageBytes(Settings settings) {
    return maxMessageBytes(settings.getInt(Settings.INLINE_MAX_BYTES));
  }

  /** Like {@link #maxMessageBytes(Settings)}, for an inline limit given directly. */
  public static int maxMessageBytes(int inline) {
    if (inline < 0 || inline > Messages.MAX_MESSAGE_BYTES - FRAMING_BYTES) {
      throw new IllegalArgumentException(
          Settings.INLINE_MAX_BYTES.name()
              + "="
              + inline
              + ": must be between 0 and "
              + (Messages.MAX_MESSAGE_BYTES - FRAMING_BYTES)
              + " (the largest message a consumer accepts, "
              + Messages.MAX_MESSAGE_BYTES
              + " bytes, less 64 KiB of framing); larger payloads go through the store anyway");
    }
    return Math.max(KAFKA_DEFAULT_LIMIT, inline + FRAMING_BYTES);
  }

  /** Returns a producer. */
  public static KafkaProducer<String, byte[]> producer(Settings settings, String clientId) {
    Map<String, Object> p = new HashMap<>();
    p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, settings.get(Settings.KAFKA_BOOTSTRAP));
    p.put(ProducerConfig.CLIENT_ID_CONFIG, clientId);
    p.put(ProducerConfig.ACKS_CONFIG, "all");
    p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
    p.put(ProducerConfig.LINGER_MS_CONFIG, 0);
    p.put(ProducerConfig.MAX_REQUEST_SIZE_CONFIG, maxMessageBytes(settings));
    p.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class);
    p.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class);
    return new KafkaProducer<>(p);
  }

  /**
   * Returns a consumer that commits by hand.
   *
   * @param groupId the consumer group; replicas with the same group share partitions
   * @param maxPollRecords records a poll returns at most
   */
  public static KafkaConsumer<String, byte[]> consumer(
      Settings settings, String groupId, String clientId, int maxPollRecords) {
    Map<String, Object> p = new HashMap<>();
    p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, settings.get(Settings.KAFKA_BOOTSTRAP));
    p.put(ConsumerConfig.GROUP_ID_CONFIG, groupId);
    p.put(ConsumerConfig.CLIENT_ID_CONFIG, clientId);
    p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
    p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    p.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, maxPollRecords);
    // An attack or a training step of a large model can take a minute on a CPU.
    p.put(ConsumerConfig.MAX_POLL_INTERVAL_MS_CONFIG, 900_000);
    p.put(ConsumerConfig.CONNECTIONS_MAX_IDLE_MS_CONFIG, 1_000_000);
    p.put(ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG, settings.getInt(Settings.FETCH_MAX_WAIT_MS));
    p.put(ConsumerConfig.MAX_PARTITION_FETCH_BYTES_CONFIG, maxMessageBytes(settings));
    p.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class);
    p.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
    return new KafkaConsumer<>(p);
  }

  /**
   * Returns a consumer outside any group, for topics every replica reads whole (weight snapshots,
   * progress): the caller assigns partitions and seeks; nothing is committed.
   */
  public static KafkaConsumer<String, byte[]> reader(Settings settings, String clientId) {
    Map<String, Object> p = new HashMap<>();
    p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, settings.get(Settings.KAFKA_BOOTSTRAP));
    p.put(ConsumerConfig.CLIENT_ID_CONFIG, clientId);
    p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
    p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    p.put(ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG, settings.getInt(Settings.FETCH_MAX_WAIT_MS));
    p.put(ConsumerConfig.MAX_PARTITION_FETCH_BYTES_CONFIG, maxMessageBytes(settings));
    p.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class);
    p.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
    return new KafkaConsumer<>(p);
  }
}
