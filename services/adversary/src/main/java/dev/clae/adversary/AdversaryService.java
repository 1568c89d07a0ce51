package dev.clae.adversary;

import ai.djl.Device;
import ai.djl.ndarray.types.Shape;
import dev.clae.config.ClaeConfig;
import dev.clae.config.Keys;
import dev.clae.platform.Cancellations;
import dev.clae.platform.DeadLetters;
import dev.clae.platform.Engines;
import dev.clae.platform.Kafka;
import dev.clae.platform.Messages;
import dev.clae.platform.ObjectStore;
import dev.clae.platform.Payloads;
import dev.clae.platform.PipelineService;
import dev.clae.platform.RejectedMessageException;
import dev.clae.platform.RunSpecs;
import dev.clae.platform.ServiceContext;
import dev.clae.platform.WireCodec;
import dev.clae.proto.AdversarialBatch;
import dev.clae.proto.ViewBatch;
import dev.clae.proto.WeightSnapshot;
import dev.clae.train.EngineSetup;
import java.time.Duration;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

/**
 * The adversary: for each view batch of a CLAE run it computes the FGSM direction of the anchor
 * views through the adversarial batch norms of the newest weight snapshot that the run's lag
 * allows, and publishes it with the snapshot's version. Replicas share the view partitions through
 * the consumer group {@code adversary}; every replica reads the whole weights topic.
 *
 * <p>For batch {@code t} it attacks with the newest version {@code v <= t} of the batch's trainer
 * generation such that {@code t - v <= pipeline.max.lag.steps}. Batches whose weights are not there
 * yet wait in a {@link Backlog} while the lowest answerable one is served. A batch the trainer can
 * no longer want (it restarted, or moved past it) is dropped and counted.
 */
public final class AdversaryService implements PipelineService {
  private static final Logger LOG = LoggerFactory.getLogger(AdversaryService.class);
  private static final int MAX_BACKLOG = 64;
  private static final int CACHED_RUNS = 2;

  private final ServiceContext ctx;
  private final Device device;
  private final ObjectStore store;
  private final RunSpecs specs;
  private final Cancellations cancellations;
  private final KafkaProducer<String, byte[]> producer;
  private final KafkaConsumer<String, byte[]> views;
  private final KafkaConsumer<String, byte[]> weights;
  private final DeadLetters deadLetters;
  private final WeightIndex index = new WeightIndex();
  private final Backlog backlog = new Backlog();
  private final Map<String, ConsumerRecord<String, byte[]>> records = new HashMap<>();
  private final Map<TopicPartition, Long> committed = new HashMap<>();
  private final Map<String, RunAttack> attacks = new LinkedHashMap<>();
  private volatile boolean running = true;

  /** Connects to Kafka and the object store; the engine must be prepared already. */
  public AdversaryService(ServiceContext ctx) {
    this.ctx = ctx;
    this.device = Engines.prepare(ctx.settings());
    ctx.topics().ensure(ctx.settings());
    this.store = ObjectStore.connect(ctx.settings());
    this.specs = new RunSpecs(store);
    this.cancellations = new Cancellations(store);
    this.producer = Kafka.producer(ctx.settings(), ctx.serviceId());
    this.views = Kafka.consumer(ctx.settings(), "adversary", ctx.serviceId(), 1);
    this.weights = Kafka.reader(ctx.settings(), ctx.serviceId() + "-weights");
    this.deadLetters = new DeadLetters(producer, ctx.topics(), ctx.metrics(), ctx.serviceId());
  }

  @Override
  public void run() {
    EngineSetup.prepareThread();
    TopicPartition wp = new TopicPartition(ctx.topics().weights, 0);
    weights.assign(List.of(wp));
    weights.seekToBeginning(List.of(wp));
    views.subscribe(
        List.of(ctx.topics().views),
        new ConsumerRebalanceListener() {
          @Override
          public void onPartitionsRevoked(Collection<TopicPartition> parts) {
            commit();
            backlog.revoke(parts);
            ctx.metrics().add("partitions_revoked_total", parts.size());
          }

          @Override
          public void onPartitionsAssigned(Collection<TopicPartition> parts) {
            // Assigned less revoked: the view partitions this replica holds now.
            ctx.metrics().add("partitions_assigned_total", parts.size());
          }
        });
    try {
      while (running) {
        boolean idle = backlog.size() == 0;
        for (ConsumerRecord<String, byte[]> r : views.poll(Duration.ofMillis(idle ? 100 : 5))) {
          receive(r);
        }
        pollWeights(Duration.ZERO);
        if (!answerOne()) {
          pollWeights(Duration.ofMillis(20));
        }
        commit();
        pauseWhenFull();
      }
    } catch (WakeupException e) {
      if (running) {
        throw e;
      }
    }
  }

  private void pollWeights(Duration timeout) {
    for (ConsumerRecord<String, byte[]> r : weights.poll(timeout)) {
      try {
        index.add(Messages.parse(WeightSnapshot.parser(), r));
      } catch (RejectedMessageException e) {
        deadLetters.reject(r, e.getMessage());
      }
    }
  }

  /** Parses a view batch into the backlog; bad ones are dead-lettered, others' not kept. */
  private void receive(ConsumerRecord<String, byte[]> r) {
    TopicPartition tp = new TopicPartition(r.topic(), r.partition());
    ViewBatch vb = null;
    float[] view1 = null;
    try {
      vb = Messages.parse(ViewBatch.parser(), r);
      Messages.runId(vb.getRunId());
      ClaeConfig config = specs.get(vb.getRunId()).config();
      if (!config.get(Keys.ADV_ENABLED) || cancellations.isCancelled(vb.getRunId())) {
        vb = null;
      } else {
        view1 = anchorViews(vb);
      }
    } catch (RejectedMessageException e) {
      deadLetters.reject(r, e.getMessage());
      vb = null;
    }
    backlog.add(tp, r.offset(), vb, view1);
    if (vb != null) {
      records.put(key(tp, r.offset()), r);
    }
  }

  /** Attacks the lowest waiting batch whose weights are there; returns whether it did. */
  private boolean answerOne() {
    for (Backlog.Item item : backlog.waiting()) {
      ViewBatch vb = item.batch();
      String run = vb.getRunId();
      long t = vb.getBatchId();
      if (index.obsolete(run, vb.getGeneration(), t) || cancellations.isCancelled(run)) {
        ctx.metrics().increment("batches_obsolete_total");
        finish(item);
        continue;
      }
      ClaeConfig config = specs.get(run).config();
      WeightSnapshot w = index.pick(run, vb.getGeneration(), t, config.get(Keys.PIPELINE_MAX_LAG));
      if (w == null) {
        continue;
      }
      MDC.put("runTag", " [" + run + "]");
      try {
        attack(vb, item.view1(), w, config);
      } catch (RejectedMessageException | IllegalArgumentException e) {
        deadLetters.reject(records.get(key(item.partition(), item.offset())), e.getMessage());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        running = false;
      } catch (ExecutionException e) {
        throw new IllegalStateException("cannot publish to Kafka: " + e.getCause(), e);
      } finally {
        MDC.remove("runTag");
      }
      finish(item);
      return true;
    }
    return false;
  }

  private void finish(Backlog.Item item) {
    backlog.done(item);
    records.remove(key(item.partition(), item.offset()));
  }

  private static String key(TopicPartition p, long offset) {
    return p + "@" + offset;
  }

  private void commit() {
    Map<TopicPartition, OffsetAndMetadata> offsets = new HashMap<>();
    backlog
        .committable()
        .forEach(
            (p, o) -> {
              if (!o.equals(committed.get(p))) {
                offsets.put(p, new OffsetAndMetadata(o));
              }
            });
    if (!offsets.isEmpty()) {
      views.commitSync(offsets);
      offsets.forEach((p, o) -> committed.put(p, o.offset()));
    }
  }

  private void pauseWhenFull() {
    if (backlog.size() >= MAX_BACKLOG) {
      views.pause(views.assignment());
    } else if (!views.paused().isEmpty()) {
      views.resume(views.paused());
    }
  }

  /**
   * Reads a batch's anchor views as it arrives, while earlier batches wait for weights, so that the
   * attack never waits on the store.
   */
  private float[] anchorViews(ViewBatch vb) {
    long[] shape = shapeOf(vb);
    int elements = Math.toIntExact(shape[0] * shape[1] * shape[2] * shape[3]);
    return WireCodec.floats(Payloads.read(vb.getViews(), store), 0, elements);
  }

  private static long[] shapeOf(ViewBatch vb) {
    long[] shape = vb.getShapeList().stream().mapToLong(Long::longValue).toArray();
    if (shape.length != 4 || java.util.Arrays.stream(shape).anyMatch(d -> d <= 0)) {
      throw new RejectedMessageException("view shape " + vb.getShapeList() + " is not B,C,H,W");
    }
    return shape;
  }

  private void attack(ViewBatch vb, float[] view1, WeightSnapshot w, ClaeConfig config)
      throws InterruptedException, ExecutionException {
    String run = vb.getRunId();
    long t = vb.getBatchId();
    long[] shape = shapeOf(vb);
    int elements = view1.length;
    long t0 = System.nanoTime();
    RunAttack a = attackOf(run, config, shape);
    if (!a.holds(w.getGeneration(), w.getVersion())) {
      byte[] weights = Payloads.read(w.getWeights(), store);
      long l0 = System.nanoTime();
      ctx.metrics().add("weights_fetch_seconds_total", (l0 - t0) / 1e9);
      a.load(weights, w.getGeneration(), w.getVersion());
      ctx.metrics().add("weights_load_seconds_total", (System.nanoTime() - l0) / 1e9);
    }
    long a0 = System.nanoTime();
    float[] sign = a.direction(view1, shape);
    ctx.metrics().add("gradient_seconds_total", (System.nanoTime() - a0) / 1e9);
    double seconds = (System.nanoTime() - t0) / 1e9;
    WireCodec.Signs bits = WireCodec.signs(sign);
    AdversarialBatch out =
        AdversarialBatch.newBuilder()
            .setRunId(run)
            .setGeneration(vb.getGeneration())
            .setBatchId(t)
            .setWeightVersion(w.getVersion())
            .setEps((float) a.eps())
            .setElements(elements)
            .setPositiveBits(bits.positiveBits())
            .addAllZeroIndex(bits.zeroIndex())
            .setZeroBits(bits.zeroBits())
            .setAdversaryId(ctx.serviceId())
            .setAttackSeconds(seconds)
            .build();
    byte[] value = out.toByteArray();
    long p0 = System.nanoTime();
    producer
        .send(new ProducerRecord<>(ctx.topics().adversarial, Messages.batchKey(run, t), value))
        .get();
    ctx.metrics().add("publish_seconds_total", (System.nanoTime() - p0) / 1e9);
    ctx.metrics().increment("adversarial_batches_total");
    ctx.metrics().add("adversarial_bytes_total", value.length);
    ctx.metrics().add("attack_seconds_total", seconds);
    ctx.metrics().add("weight_lag_steps_total", t - w.getVersion());
  }

  private RunAttack attackOf(String run, ClaeConfig config, long[] shape) {
    RunAttack a = attacks.get(run);
    if (a == null) {
      a = new RunAttack(config, new Shape(shape[1], shape[2], shape[3]), device);
      attacks.put(run, a);
      if (attacks.size() > CACHED_RUNS) {
        String oldest = attacks.keySet().iterator().next();
        attacks.remove(oldest).close();
      }
    }
    return a;
  }

  @Override
  public void stop() {
    running = false;
    views.wakeup();
  }

  @Override
  public void close() {
    attacks.values().forEach(RunAttack::close);
    views.close();
    weights.close();
    producer.close();
    store.close();
  }
}
