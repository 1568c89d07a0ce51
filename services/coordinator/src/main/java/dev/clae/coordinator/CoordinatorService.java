package dev.clae.coordinator;

import dev.clae.platform.Kafka;
import dev.clae.platform.Messages;
import dev.clae.platform.ObjectStore;
import dev.clae.platform.PipelineService;
import dev.clae.platform.RejectedMessageException;
import dev.clae.platform.RunSpecs;
import dev.clae.platform.ServiceContext;
import dev.clae.platform.Settings;
import dev.clae.proto.EvalResult;
import dev.clae.proto.Progress;
import dev.clae.proto.RunCommand;
import dev.clae.proto.RunState;
import io.grpc.Grpc;
import io.grpc.InsecureServerCredentials;
import io.grpc.Server;
import io.grpc.ServerInterceptors;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The coordinator: serves the gRPC API on {@code grpc.port} and follows the runs, progress and
 * results topics from their start to know every run's state. With {@code api.token} set, every call
 * must carry it.
 */
public final class CoordinatorService implements PipelineService {
  private static final Logger LOG = LoggerFactory.getLogger(CoordinatorService.class);

  private final ServiceContext ctx;
  private final ObjectStore store;
  private final RunSpecs specs;
  private final RunRegistry registry = new RunRegistry();
  private final KafkaProducer<String, byte[]> producer;
  private final KafkaConsumer<String, byte[]> events;
  private final Server server;
  private volatile boolean running = true;

  /** Connects to Kafka and the object store and starts the gRPC server. */
  public CoordinatorService(ServiceContext ctx) {
    this.ctx = ctx;
    ctx.topics().ensure(ctx.settings());
    this.store = ObjectStore.connect(ctx.settings());
    this.specs = new RunSpecs(store);
    this.producer = Kafka.producer(ctx.settings(), ctx.serviceId());
    this.events = Kafka.reader(ctx.settings(), ctx.serviceId() + "-events");
    CoordinatorApi api = new CoordinatorApi(registry, store, specs, this::send, ctx.serviceId());
    String token = ctx.settings().get(Settings.API_TOKEN);
    int port = ctx.settings().getInt(Settings.GRPC_PORT);
    var service =
        token.isEmpty()
            ? ServerInterceptors.intercept(api)
            : ServerInterceptors.intercept(api, new TokenAuth(token));
    try {
      this.server =
          Grpc.newServerBuilderForPort(port, InsecureServerCredentials.create())
              .addService(service)
              .build()
              .start();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot serve gRPC on port " + port, e);
    }
    ctx.metrics().gauge("runs_known", () -> registry.list().size());
    LOG.info(
        "gRPC API on port {} ({})",
        server.getPort(),
        token.isEmpty() ? "no API token: open to anyone who reaches it" : "API token required");
  }

  /** Returns the port the gRPC server listens on. */
  public int grpcPort() {
    return server.getPort();
  }

  private void send(RunCommand c) {
    try {
      producer.send(new ProducerRecord<>(ctx.topics().runs, c.getRunId(), c.toByteArray())).get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while publishing a run command", e);
    } catch (ExecutionException e) {
      throw new IllegalStateException("cannot publish a run command: " + e.getCause(), e);
    }
  }

  @Override
  public void run() {
    List<TopicPartition> parts = new ArrayList<>();
    for (String t : List.of(ctx.topics().runs, ctx.topics().progress, ctx.topics().results)) {
      parts.add(new TopicPartition(t, 0));
    }
    events.assign(parts);
    events.seekToBeginning(parts);
    try {
      while (running) {
        for (ConsumerRecord<String, byte[]> r : events.poll(Duration.ofMillis(200))) {
          apply(r);
        }
      }
    } catch (WakeupException e) {
      if (running) {
        throw e;
      }
    }
  }

  private void apply(ConsumerRecord<String, byte[]> r) {
    try {
      if (r.topic().equals(ctx.topics().progress)) {
        registry.apply(Messages.parse(Progress.parser(), r));
      } else if (r.topic().equals(ctx.topics().results)) {
        registry.apply(Messages.parse(EvalResult.parser(), r));
      } else {
        RunCommand c = Messages.parse(RunCommand.parser(), r);
        RunRegistry.Entry e = registry.entry(Messages.runId(c.getRunId()));
        if (e.submittedMs == 0) {
          try {
            RunSpecs.Spec s = specs.get(c.getRunId());
            synchronized (e) {
              e.name = s.name();
              e.submittedMs = s.submittedMs();
              e.config = s.config().asMap();
            }
          } catch (RejectedMessageException missing) {
            LOG.warn("run {} has no readable spec: {}", c.getRunId(), missing.getMessage());
          }
        }
        if (c.getAction() == RunCommand.Action.CANCEL) {
          registry.setState(e, RunState.CANCELLED, "cancelled by request");
        }
      }
    } catch (RejectedMessageException e) {
      ctx.metrics().increment("events_rejected_total");
      LOG.warn("ignored event key={} on {}: {}", r.key(), r.topic(), e.getMessage());
    }
  }

  @Override
  public void stop() {
    running = false;
    events.wakeup();
  }

  @Override
  public void close() {
    server.shutdown();
    try {
      server.awaitTermination(5, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    server.shutdownNow();
    events.close();
    producer.close();
    store.close();
  }
}
