package dev.clae.platform;

import java.nio.charset.StandardCharsets;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Where rejected messages go: the dead-letter topic keeps the original key and bytes, with headers
 * naming the source topic, partition, offset, the rejecting service and the reason, so that an
 * operator can inspect or replay them. Every rejection is logged at warn with its key and counted
 * in {@code messages_rejected_total}.
 */
public final class DeadLetters {
  private static final Logger LOG = LoggerFactory.getLogger(DeadLetters.class);

  private final Producer<String, byte[]> producer;
  private final String topic;
  private final Metrics metrics;
  private final String serviceId;

  /** Creates a dead-letter sink. */
  public DeadLetters(
      Producer<String, byte[]> producer, Topics topics, Metrics metrics, String serviceId) {
    this.producer = producer;
    this.topic = topics.deadLetter;
    this.metrics = metrics;
    this.serviceId = serviceId;
  }

  /** Logs, counts and dead-letters a record. */
  public void reject(ConsumerRecord<String, byte[]> r, String reason) {
    int size = r.value() == null ? 0 : r.value().length;
    LOG.warn(
        "rejected message key={} topic={} partition={} offset={} ({} bytes): {}",
        r.key(),
        r.topic(),
        r.partition(),
        r.offset(),
        size,
        reason);
    metrics.increment("messages_rejected_total{topic=\"" + r.topic() + "\"}");
    ProducerRecord<String, byte[]> dl = new ProducerRecord<>(topic, r.key(), r.value());
    header(dl, "clae.source.topic", r.topic());
    header(dl, "clae.source.partition", String.valueOf(r.partition()));
    header(dl, "clae.source.offset", String.valueOf(r.offset()));
    header(dl, "clae.rejected.by", serviceId);
    header(dl, "clae.reason", reason.length() > 1000 ? reason.substring(0, 1000) : reason);
    try {
      producer.send(dl);
    } catch (RuntimeException e) {
      LOG.error("cannot dead-letter key={}: {}", r.key(), e.toString());
    }
  }

  private static void header(ProducerRecord<String, byte[]> r, String name, String value) {
    r.headers().add(name, value.getBytes(StandardCharsets.UTF_8));
  }
}
