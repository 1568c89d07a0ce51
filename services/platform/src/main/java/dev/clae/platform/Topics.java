package dev.clae.platform;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.AlterConfigOp;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.errors.AuthorizationException;
import org.apache.kafka.common.errors.TopicExistsException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The pipeline's topics. Batch topics have {@code kafka.topic.partitions} partitions so that
 * adversary replicas can share them; control topics have one, so their order is total.
 *
 * <table>
 *   <caption>Topics, their keys and who writes and reads them</caption>
 *   <tr><th>topic<th>key<th>message<th>from<th>to
 *   <tr><td>runs<td>run<td>RunCommand<td>coordinator<td>every service
 *   <tr><td>requests<td>run/batch<td>BatchRequest<td>trainer<td>augmenter
 *   <tr><td>views<td>run/batch<td>ViewBatch<td>augmenter<td>adversary, trainer
 *   <tr><td>adversarial<td>run/batch<td>AdversarialBatch<td>adversary<td>trainer
 *   <tr><td>weights<td>run<td>WeightSnapshot<td>trainer<td>adversary
 *   <tr><td>checkpoints<td>run<td>CheckpointNotice<td>trainer<td>evaluator
 *   <tr><td>progress<td>run<td>Progress<td>trainer, evaluator<td>coordinator
 *   <tr><td>results<td>run<td>EvalResult<td>evaluator<td>coordinator
 *   <tr><td>dead-letter<td>original key<td>the rejected bytes<td>any consumer<td>operators
 * </table>
 */
public final class Topics {
  private static final Logger LOG = LoggerFactory.getLogger(Topics.class);

  /** Run commands. */
  public final String runs;

  /** Batch requests. */
  public final String requests;

  /** View batches. */
  public final String views;

  /** Adversarial perturbations. */
  public final String adversarial;

  /** Weight snapshots. */
  public final String weights;

  /** Checkpoint notices. */
  public final String checkpoints;

  /** Progress reports. */
  public final String progress;

  /** Evaluation results. */
  public final String results;

  /** Rejected messages. */
  public final String deadLetter;

  private final int partitions;

  /** Names the topics with the configured prefix. */
  public Topics(Settings settings) {
    String p = settings.get(Settings.TOPIC_PREFIX);
    runs = p + "runs";
    requests = p + "requests";
    views = p + "views";
    adversarial = p + "adversarial";
    weights = p + "weights";
    checkpoints = p + "checkpoints";
    progress = p + "progress";
    results = p + "results";
    deadLetter = p + "dead-letter";
    partitions = settings.getInt(Settings.TOPIC_PARTITIONS);
  }

  /** Returns every topic with its partition count. */
  public Map<String, Integer> all() {
    return Map.of(
        runs, 1,
        requests, partitions,
        views, partitions,
        adversarial, partitions,
        weights, 1,
        checkpoints, partitions,
        progress, 1,
        results, 1,
        deadLetter, 1);
  }

  /** Returns the topics that carry payloads (views, adversarial views, weight snapshots). */
  public Set<String> bulk() {
    return Set.of(views, adversarial, weights);
  }

  /**
   * Returns the configuration of a topic the pipeline creates: every topic admits the largest
   * message the pipeline sends ({@link Kafka#maxMessageBytes}); the bulk topics keep their records
   * for {@code kafka.data.retention.ms} only, in segments of at most 64 MiB that are closed after
   * the retention at the latest, so that a quiet topic's old records are deleted too (the broker
   * never deletes the segment it is writing).
   */
  Map<String, String> configOf(String topic, Settings settings) {
    Map<String, String> c = new HashMap<>();
    c.put(TopicConfig.MAX_MESSAGE_BYTES_CONFIG, String.valueOf(Kafka.maxMessageBytes(settings)));
    if (bulk().contains(topic)) {
      String retention = String.valueOf(dataRetentionMs(settings));
      c.put(TopicConfig.RETENTION_MS_CONFIG, retention);
      c.put(TopicConfig.SEGMENT_BYTES_CONFIG, String.valueOf(SEGMENT_BYTES));
      c.put(TopicConfig.SEGMENT_MS_CONFIG, retention);
    }
    return c;
  }

  /** Segment size of the bulk topics: 64 MiB, far above the largest message (4 MiB). */
  static final int SEGMENT_BYTES = 64 << 20;

  /**
   * Returns {@code kafka.data.retention.ms}.
   *
   * @throws IllegalArgumentException naming the setting when it is below a minute or not a number
   */
  public static long dataRetentionMs(Settings settings) {
    long ms = settings.getLong(Settings.DATA_RETENTION_MS);
    if (ms < 60_000) {
      throw new IllegalArgumentException(
          Settings.DATA_RETENTION_MS.name() + "=" + ms + ": must be at least 60000 (one minute)");
    }
    return ms;
  }

  /**
   * Creates the topics that do not exist yet, and raises {@code max.message.bytes} of existing ones
   * that admit less than the pipeline sends (a topic created by an earlier version, or at a lower
   * {@code kafka.inline.max.bytes}). Every service calls it at start, so the order in which they
   * start does not matter. Other settings of existing topics are left as they are.
   *
   * @throws IllegalStateException when the broker cannot be reached within a minute, or an existing
   *     topic's limit is too low and cannot be raised
   */
  public void ensure(Settings settings) {
    dataRetentionMs(settings);
    String bootstrap = settings.get(Settings.KAFKA_BOOTSTRAP);
    int maxMessage = Kafka.maxMessageBytes(settings);
    try (Admin admin =
        Admin.create(
            Map.of(
                AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG,
                bootstrap,
                AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG,
                60_000))) {
      Set<String> existing = new HashSet<>(admin.listTopics().names().get(60, TimeUnit.SECONDS));
      List<NewTopic> missing = new ArrayList<>();
      List<String> present = new ArrayList<>();
      all()
          .forEach(
              (name, n) -> {
                if (existing.contains(name)) {
                  present.add(name);
                } else {
                  missing.add(new NewTopic(name, n, (short) 1).configs(configOf(name, settings)));
                }
              });
      if (!missing.isEmpty()) {
        try {
          admin.createTopics(missing).all().get(60, TimeUnit.SECONDS);
          LOG.info("created topics {}", missing.stream().map(NewTopic::name).toList());
        } catch (ExecutionException e) {
          if (!(e.getCause() instanceof TopicExistsException)) {
            throw e;
          }
          // Another service created some at the same moment, with settings of its own.
          missing.forEach(t -> present.add(t.name()));
        }
      }
      raiseLimits(admin, present, maxMessage);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while creating topics", e);
    } catch (ExecutionException | TimeoutException e) {
      throw new IllegalStateException(
          "Kafka at " + bootstrap + ": cannot list, create or configure topics: " + e, e);
    }
  }

  private static void raiseLimits(Admin admin, List<String> topics, int maxMessage)
      throws InterruptedException, ExecutionException, TimeoutException {
    if (topics.isEmpty()) {
      return;
    }
    List<ConfigResource> resources =
        topics.stream().map(t -> new ConfigResource(ConfigResource.Type.TOPIC, t)).toList();
    Map<ConfigResource, Config> configs;
    try {
      configs = admin.describeConfigs(resources).all().get(60, TimeUnit.SECONDS);
    } catch (ExecutionException e) {
      if (!(e.getCause() instanceof AuthorizationException)) {
        throw e;
      }
      LOG.warn(
          "not allowed to read the topics' configuration ({}): they must admit messages of {}"
              + " bytes (max.message.bytes), or larger payloads will be refused",
          e.getCause().getMessage(),
          maxMessage);
      return;
    }
    Map<ConfigResource, Collection<AlterConfigOp>> raise = new HashMap<>();
    configs.forEach(
        (r, c) -> {
          ConfigEntry e = c.get(TopicConfig.MAX_MESSAGE_BYTES_CONFIG);
          if (e != null && e.value() != null && Long.parseLong(e.value()) < maxMessage) {
            LOG.info(
                "topic {} admits messages of {} bytes, the pipeline sends up to {}: raising it",
                r.name(),
                e.value(),
                maxMessage);
            raise.put(
                r,
                List.of(
                    new AlterConfigOp(
                        new ConfigEntry(
                            TopicConfig.MAX_MESSAGE_BYTES_CONFIG, String.valueOf(maxMessage)),
                        AlterConfigOp.OpType.SET)));
          }
        });
    if (raise.isEmpty()) {
      return;
    }
    try {
      admin.incrementalAlterConfigs(raise).all().get(60, TimeUnit.SECONDS);
      awaitLimits(admin, raise.keySet(), maxMessage);
    } catch (ExecutionException e) {
      throw new IllegalStateException(
          "topics "
              + raise.keySet().stream().map(ConfigResource::name).sorted().toList()
              + " admit messages smaller than the "
              + maxMessage
              + " bytes the pipeline sends (kafka.inline.max.bytes plus 64 KiB) and their"
              + " max.message.bytes cannot be raised: "
              + e.getCause()
              + "; raise it on the broker, or lower kafka.inline.max.bytes",
          e);
    }
  }

  /** Waits until the broker reports the raised limits: it applies a change after accepting it. */
  private static void awaitLimits(Admin admin, Set<ConfigResource> topics, int maxMessage)
      throws InterruptedException, ExecutionException, TimeoutException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (true) {
      Map<ConfigResource, Config> now =
          admin.describeConfigs(topics).all().get(60, TimeUnit.SECONDS);
      boolean applied =
          now.values().stream()
              .map(c -> c.get(TopicConfig.MAX_MESSAGE_BYTES_CONFIG))
              .allMatch(e -> e != null && Long.parseLong(e.value()) >= maxMessage);
      if (applied) {
        return;
      }
      if (System.nanoTime() > deadline) {
        throw new TimeoutException("max.message.bytes of " + topics + " not raised after 30 s");
      }
      Thread.sleep(100);
    }
  }
}
