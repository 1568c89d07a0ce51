package dev.clae.platform;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.config.TopicConfig;
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

  /**
   * Creates the topics that do not exist yet. Every service calls it at start, so the order in
   * which they start does not matter.
   *
   * @throws IllegalStateException when the broker cannot be reached within a minute
   */
  public void ensure(Settings settings) {
    String bootstrap = settings.get(Settings.KAFKA_BOOTSTRAP);
    try (Admin admin =
        Admin.create(
            Map.of(
                AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG,
                bootstrap,
                AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG,
                60_000))) {
      Set<String> existing = new HashSet<>(admin.listTopics().names().get(60, TimeUnit.SECONDS));
      int maxMessage = Kafka.maxMessageBytes(settings);
      List<NewTopic> missing = new ArrayList<>();
      all()
          .forEach(
              (name, n) -> {
                if (!existing.contains(name)) {
                  missing.add(
                      new NewTopic(name, n, (short) 1)
                          .configs(
                              Map.of(
                                  TopicConfig.MAX_MESSAGE_BYTES_CONFIG,
                                  String.valueOf(maxMessage))));
                }
              });
      if (missing.isEmpty()) {
        return;
      }
      try {
        admin.createTopics(missing).all().get(60, TimeUnit.SECONDS);
        LOG.info("created topics {}", missing.stream().map(NewTopic::name).toList());
      } catch (ExecutionException e) {
        if (!(e.getCause() instanceof TopicExistsException)) {
          throw e;
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while creating topics", e);
    } catch (ExecutionException | TimeoutException e) {
      throw new IllegalStateException(
          "Kafka at " + bootstrap + ": cannot list or create topics: " + e, e);
    }
  }
}
