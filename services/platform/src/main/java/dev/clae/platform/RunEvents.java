package dev.clae.platform;

import dev.clae.proto.Progress;
import dev.clae.proto.RunState;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;

/** Progress reports a service other than the trainer publishes about a run: failed, completed. */
public final class RunEvents {
  private RunEvents() {}

  /** Publishes a run's new state with a message, and waits until the broker has it. */
  public static void publish(
      ServiceContext ctx,
      Producer<String, byte[]> producer,
      String run,
      RunState state,
      String message) {
    Progress p =
        Progress.newBuilder()
            .setRunId(run)
            .setState(state)
            .setSource(ctx.serviceId())
            .setTimeMs(System.currentTimeMillis())
            .setMessage(message)
            .build();
    producer.send(new ProducerRecord<>(ctx.topics().progress, run, p.toByteArray()));
    producer.flush();
  }
}
