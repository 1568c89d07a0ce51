package dev.clae.augmenter;

import dev.clae.augment.ViewBatch;
import dev.clae.config.ClaeConfig;
import dev.clae.platform.Artifacts;
import dev.clae.platform.Cancellations;
import dev.clae.platform.DataFetch;
import dev.clae.platform.DeadLetters;
import dev.clae.platform.Kafka;
import dev.clae.platform.Messages;
import dev.clae.platform.ObjectStore;
import dev.clae.platform.Payloads;
import dev.clae.platform.PipelineService;
import dev.clae.platform.RejectedMessageException;
import dev.clae.platform.RunEvents;
import dev.clae.platform.RunSpecs;
import dev.clae.platform.ServiceContext;
import dev.clae.platform.Settings;
import dev.clae.platform.WireCodec;
import dev.clae.proto.BatchRequest;
import dev.clae.proto.RunState;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

/**
 * The augmenter: for every {@link BatchRequest} of the trainer it makes the two augmented views of
 * each batch asked for and publishes them as {@code ViewBatch} messages, inline or claim-checked by
 * size. A run's data is loaded on its first request and kept while requests come. A request is
 * committed only after all its batches are acknowledged by the broker, so a crash re-makes them
 * (views are a function of the seed and batch index, and consumers drop duplicates).
 */
public final class AugmenterService implements PipelineService {
  private static final Logger LOG = LoggerFactory.getLogger(AugmenterService.class);
  private static final int CACHED_RUNS = 2;

  private final ServiceContext ctx;
  private final ObjectStore store;
  private final RunSpecs specs;
  private final Cancellations cancellations;
  private final KafkaProducer<String, byte[]> producer;
  private final KafkaConsumer<String, byte[]> consumer;
  private final DeadLetters deadLetters;
  private final int inlineMax;
  private final Map<String, RunViews> runs = new LinkedHashMap<>();
  private final Map<String, String> failedRuns = new LinkedHashMap<>();
  private volatile boolean running = true;

  /** Connects to Kafka and the object store. */
  public AugmenterService(ServiceContext ctx) {
    this.ctx = ctx;
    ctx.topics().ensure(ctx.settings());
    this.store = ObjectStore.connect(ctx.settings());
    this.specs = new RunSpecs(store);
    this.cancellations = new Cancellations(store);
    this.producer = Kafka.producer(ctx.settings(), ctx.serviceId());
    this.consumer = Kafka.consumer(ctx.settings(), "augmenter", ctx.serviceId(), 1);
    this.deadLetters = new DeadLetters(producer, ctx.topics(), ctx.metrics(), ctx.serviceId());
    this.inlineMax = ctx.settings().getInt(Settings.INLINE_MAX_BYTES);
  }

  @Override
  public void run() {
    consumer.subscribe(List.of(ctx.topics().requests));
    while (running) {
      for (ConsumerRecord<String, byte[]> r : consumer.poll(Duration.ofMillis(200))) {
        handle(r);
        consumer.commitSync(
            Map.of(
                new TopicPartition(r.topic(), r.partition()),
                new OffsetAndMetadata(r.offset() + 1)));
      }
    }
  }

  private void handle(ConsumerRecord<String, byte[]> r) {
    BatchRequest req;
    try {
      req = Messages.parse(BatchRequest.parser(), r);
      Messages.runId(req.getRunId());
    } catch (RejectedMessageException e) {
      deadLetters.reject(r, e.getMessage());
      return;
    }
    MDC.put("runTag", " [" + req.getRunId() + "]");
    try {
      produce(req);
    } catch (RejectedMessageException e) {
      deadLetters.reject(r, e.getMessage());
    } catch (dev.clae.config.ConfigException | dev.clae.data.DataException e) {
      fail(req.getRunId(), e.getMessage());
    } catch (Exception e) {
      LOG.error("request {} failed: {}", r.key(), e.toString(), e);
      deadLetters.reject(r, "augmenter error: " + e);
    } finally {
      MDC.remove("runTag");
    }
  }

  private void produce(BatchRequest req) throws Exception {
    String run = req.getRunId();
    if (failedRuns.containsKey(run) || cancellations.isCancelled(run)) {
      return;
    }
    RunViews views = views(run);
    long end = Math.min(req.getEndBatch(), views.totalBatches());
    long first = Math.max(0, req.getFirstBatch());
    for (long b = first; b < end; b++) {
      long t0 = System.nanoTime();
      ViewBatch vb = views.make(b);
      byte[] bytes = WireCodec.floats(vb.view1(), vb.view2());
      dev.clae.proto.ViewBatch.Builder msg =
          dev.clae.proto.ViewBatch.newBuilder()
              .setRunId(run)
              .setGeneration(req.getGeneration())
              .setBatchId(b)
              .setEpoch(vb.epoch())
              .setStep(vb.step())
              .setStepsPerEpoch(views.stepsPerEpoch())
              .setEpochs(views.epochs())
              .setViews(
                  Payloads.wrap(
                      bytes, inlineMax, Artifacts.views(run, req.getGeneration(), b), store));
      for (long d : vb.shape()) {
        msg.addShape(d);
      }
      byte[] value = msg.build().toByteArray();
      producer.send(new ProducerRecord<>(ctx.topics().views, Messages.batchKey(run, b), value));
      ctx.metrics().increment("view_batches_total");
      ctx.metrics().add("view_bytes_total", value.length);
      ctx.metrics().add("view_payload_bytes_total", bytes.length);
      ctx.metrics().add("augment_seconds_total", (System.nanoTime() - t0) / 1e9);
    }
    producer.flush();
  }

  private RunViews views(String run) throws Exception {
    RunViews v = runs.get(run);
    if (v != null) {
      return v;
    }
    ClaeConfig config = DataFetch.localize(specs.get(run).config(), store, ctx.settings());
    long t0 = System.nanoTime();
    v = new RunViews(config);
    if (!store.exists(Artifacts.data(run))) {
      store.put(Artifacts.data(run), v.describe());
    }
    LOG.info(
        "loaded the data: {} batches an epoch, {} epochs ({} s)",
        v.stepsPerEpoch(),
        v.epochs(),
        String.format("%.1f", (System.nanoTime() - t0) / 1e9));
    runs.put(run, v);
    if (runs.size() > CACHED_RUNS) {
      String oldest = runs.keySet().iterator().next();
      runs.remove(oldest).close();
    }
    return v;
  }

  private void fail(String run, String message) {
    LOG.error("run cannot be augmented: {}", message);
    failedRuns.put(run, message);
    RunEvents.publish(ctx, producer, run, RunState.FAILED, message);
  }

  @Override
  public void stop() {
    running = false;
    consumer.wakeup();
  }

  @Override
  public void close() {
    runs.values().forEach(RunViews::close);
    consumer.close();
    producer.close();
    store.close();
  }
}
