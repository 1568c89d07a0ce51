package dev.clae.trainer;

import ai.djl.Device;
import dev.clae.config.ConfigException;
import dev.clae.platform.Cancellations;
import dev.clae.platform.DeadLetters;
import dev.clae.platform.Engines;
import dev.clae.platform.Kafka;
import dev.clae.platform.Messages;
import dev.clae.platform.ObjectStore;
import dev.clae.platform.PipelineService;
import dev.clae.platform.RejectedMessageException;
import dev.clae.platform.RunSpecs;
import dev.clae.platform.ServiceContext;
import dev.clae.platform.StoreException;
import dev.clae.proto.RunCommand;
import dev.clae.proto.RunState;
import dev.clae.train.EngineSetup;
import dev.clae.train.TrainingDivergedException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

/**
 * The trainer: takes {@code START} commands from the runs topic one at a time and trains each run
 * to its end with {@link RunTrainer}. The command is committed only when the run is over (finished,
 * failed or cancelled), so a trainer that is killed mid-run gets the same command again when it
 * restarts, and resumes from the run's newest checkpoint.
 */
public final class TrainerService implements PipelineService {
  private static final Logger LOG = LoggerFactory.getLogger(TrainerService.class);

  private final ServiceContext ctx;
  private final Device device;
  private final ObjectStore store;
  private final RunSpecs specs;
  private final Cancellations cancellations;
  private final KafkaProducer<String, byte[]> producer;
  private final KafkaConsumer<String, byte[]> commands;
  private final DeadLetters deadLetters;
  private volatile boolean running = true;

  /** Connects to Kafka and the object store and prepares the engine. */
  public TrainerService(ServiceContext ctx) {
    this.ctx = ctx;
    RunTrainer.earlyThreads(ctx.settings());
    this.device = Engines.prepare(ctx.settings());
    ctx.topics().ensure(ctx.settings());
    this.store = ObjectStore.connect(ctx.settings());
    this.specs = new RunSpecs(store);
    this.cancellations = new Cancellations(store);
    this.producer = Kafka.producer(ctx.settings(), ctx.serviceId());
    this.commands = Kafka.consumer(ctx.settings(), "trainer", ctx.serviceId(), 1);
    this.deadLetters = new DeadLetters(producer, ctx.topics(), ctx.metrics(), ctx.serviceId());
  }

  @Override
  public void run() throws Exception {
    EngineSetup.prepareThread();
    TopicPartition tp = new TopicPartition(ctx.topics().runs, 0);
    commands.assign(List.of(tp));
    OffsetAndMetadata committed = commands.committed(Set.of(tp)).get(tp);
    if (committed == null) {
      commands.seekToBeginning(List.of(tp));
    } else {
      commands.seek(tp, committed.offset());
    }
    try {
      while (running) {
        for (ConsumerRecord<String, byte[]> r : commands.poll(Duration.ofMillis(200))) {
          if (!running) {
            return;
          }
          boolean over = handle(r);
          if (!over) {
            return;
          }
          commands.commitSync(Map.of(tp, new OffsetAndMetadata(r.offset() + 1)));
        }
      }
    } catch (WakeupException e) {
      if (running) {
        throw e;
      }
    }
  }

  /** Handles one command; returns false when the service is stopping mid-run. */
  private boolean handle(ConsumerRecord<String, byte[]> r) throws Exception {
    RunCommand cmd;
    try {
      cmd = Messages.parse(RunCommand.parser(), r);
      Messages.runId(cmd.getRunId());
    } catch (RejectedMessageException e) {
      deadLetters.reject(r, e.getMessage());
      return true;
    }
    if (cmd.getAction() != RunCommand.Action.START) {
      return true;
    }
    MDC.put("runTag", " [" + cmd.getRunId() + "]");
    try {
      return trainRun(r, cmd.getRunId());
    } finally {
      MDC.remove("runTag");
    }
  }

  private boolean trainRun(ConsumerRecord<String, byte[]> r, String runId) throws Exception {
    RunSpecs.Spec spec;
    try {
      spec = specs.get(runId);
    } catch (RejectedMessageException e) {
      deadLetters.reject(r, e.getMessage());
      return true;
    }
    if (cancellations.isCancelled(runId)) {
      LOG.info("run was cancelled before it started");
      return true;
    }
    ctx.metrics().increment("runs_started_total");
    try (RunTrainer t =
        new RunTrainer(ctx, store, producer, deadLetters, cancellations, spec, device)) {
      try {
        RunState end = t.train(() -> !running);
        return end != RunState.RUNNING;
      } catch (TrainingDivergedException | ConfigException | RejectedMessageException e) {
        LOG.error("run failed: {}", e.getMessage());
        t.fail(e.getMessage());
        ctx.metrics().increment("runs_failed_total");
        return true;
      } catch (StoreException | KafkaException e) {
        // The store or the broker is unreachable: end the process, so that its supervisor
        // restarts it and it resumes the run from its newest checkpoint.
        throw e;
      } catch (RuntimeException e) {
        LOG.error("run failed: {}", e.toString(), e);
        t.fail("trainer error: " + e);
        ctx.metrics().increment("runs_failed_total");
        return true;
      }
    }
  }

  @Override
  public void stop() {
    running = false;
    commands.wakeup();
  }

  @Override
  public void close() {
    commands.close();
    producer.close();
    store.close();
  }
}
