package dev.clae.local;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.common.Node;
import org.apache.kafka.common.Uuid;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A real single-node Kafka broker (KRaft, combined broker and controller) running in a JVM of its
 * own on the loopback address, from the class path of the {@code deploy/kafka} module. It backs
 * {@code clae local} and the integration tests where no Docker is available.
 *
 * <p>The broker keeps its data under {@code workDir/kafka-data}; starting again on the same folder
 * reuses it. Topics are never created implicitly ({@code auto.create.topics.enable=false}).
 */
public final class LocalKafka implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(LocalKafka.class);

  /** How long {@link #start} waits for the broker to answer. */
  public static final Duration START_TIMEOUT = Duration.ofSeconds(60);

  private static final String HOST = "127.0.0.1";
  private static final String LOG4J_CONFIG = "clae-kafka-log4j2.xml";

  private final JavaProcess process;
  private final int port;
  private final int controllerPort;

  private LocalKafka(JavaProcess process, int port, int controllerPort) {
    this.process = process;
    this.port = port;
    this.controllerPort = controllerPort;
  }

  /**
   * Starts a broker with the default settings, found through {@link RepoLayout#locate()}.
   *
   * @param workDir folder for {@code server.properties}, the data and {@code kafka.log}
   * @throws IOException when the broker cannot be formatted or does not answer within {@link
   *     #START_TIMEOUT}, with the tail of its log
   */
  public static LocalKafka start(Path workDir) throws IOException {
    return start(RepoLayout.locate(), workDir, Map.of());
  }

  /**
   * Starts a broker, with {@code overrides} on top of the generated broker settings (for example
   * {@code message.max.bytes}).
   *
   * @param layout where the {@code deploy/kafka} class path is
   * @param workDir folder for {@code server.properties}, the data and {@code kafka.log}
   * @throws IOException when the broker cannot be formatted or does not answer within {@link
   *     #START_TIMEOUT}, with the tail of its log
   */
  public static LocalKafka start(RepoLayout layout, Path workDir, Map<String, String> overrides)
      throws IOException {
    long start = System.nanoTime();
    String classPath = layout.classPathString(RepoLayout.KAFKA_MODULE);
    Path log4j = layout.classesDir(RepoLayout.KAFKA_MODULE).resolve(LOG4J_CONFIG);
    Path dir = Files.createDirectories(workDir).toAbsolutePath();
    int[] ports = JavaProcess.freePorts(2);
    int port = ports[0];
    int controllerPort = ports[1];

    Path config = dir.resolve("server.properties");
    Path dataDir = dir.resolve("kafka-data");
    Map<String, String> props = serverProperties(dataDir, port, controllerPort);
    props.putAll(overrides);
    PropertiesFile.write(
        config, "KRaft broker+controller written by " + LocalKafka.class.getName(), props, false);

    String log4jOption = "-Dlog4j2.configurationFile=" + log4j.toUri();
    if (Files.isRegularFile(dataDir.resolve("meta.properties"))) {
      // Formatted by an earlier start: formatting again would demand the same cluster id.
      LOG.debug("reusing the formatted Kafka log directory {}", dataDir);
    } else {
      format(classPath, log4jOption, config, dir);
      LOG.debug("formatted {} in {} ms", dataDir, (System.nanoTime() - start) / 1_000_000);
    }

    JavaProcess broker =
        JavaProcess.builder("kafka.Kafka")
            .name("kafka broker")
            .jvmOptions(
                "-Xms128m",
                "-Xmx512m",
                "-XX:+UseSerialGC",
                // C1 only: ready in ~5.5 s instead of ~8 s on two busy cores, and a smaller
                // footprint; a local broker's CPU use is small next to the training it serves.
                "-XX:TieredStopAtLevel=1",
                "-XX:+ExitOnOutOfMemoryError",
                "-Djava.awt.headless=true",
                log4jOption)
            .classPath(classPath)
            .args(config.toString())
            .log(dir.resolve("kafka.log"))
            .workingDir(dir)
            .stopTimeout(Duration.ofSeconds(30))
            .start();
    LocalKafka kafka = new LocalKafka(broker, port, controllerPort);
    try {
      kafka.awaitReady(start + START_TIMEOUT.toNanos());
    } catch (IOException | RuntimeException e) {
      kafka.close();
      throw e;
    }
    LOG.info(
        "Kafka broker up at {} (pid {}) in {} ms, log {}",
        kafka.bootstrapServers(),
        broker.pid(),
        (System.nanoTime() - start) / 1_000_000,
        broker.log());
    return kafka;
  }

  /** Returns the {@code bootstrap.servers} value for clients, {@code 127.0.0.1:<port>}. */
  public String bootstrapServers() {
    return HOST + ":" + port;
  }

  /** Returns the broker (PLAINTEXT) port. */
  public int port() {
    return port;
  }

  /** Returns the KRaft controller port. */
  public int controllerPort() {
    return controllerPort;
  }

  /** Returns the broker's JVM, e.g. to {@link JavaProcess#kill()} it in a failure test. */
  public JavaProcess process() {
    return process;
  }

  /** Stops the broker (SIGTERM, a controlled shutdown, then SIGKILL after 30 s). */
  @Override
  public void close() {
    process.close();
  }

  static Map<String, String> serverProperties(Path dataDir, int port, int controllerPort) {
    Map<String, String> p = new LinkedHashMap<>();
    p.put("process.roles", "broker,controller");
    p.put("node.id", "1");
    p.put("controller.quorum.voters", "1@" + HOST + ":" + controllerPort);
    p.put(
        "listeners",
        "PLAINTEXT://" + HOST + ":" + port + ",CONTROLLER://" + HOST + ":" + controllerPort);
    p.put("advertised.listeners", "PLAINTEXT://" + HOST + ":" + port);
    p.put("listener.security.protocol.map", "PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT");
    p.put("controller.listener.names", "CONTROLLER");
    p.put("inter.broker.listener.name", "PLAINTEXT");
    p.put("log.dirs", dataDir.toString());
    // One node: every replication factor and min.isr at 1, or internal topics never come up.
    p.put("default.replication.factor", "1");
    p.put("min.insync.replicas", "1");
    p.put("offsets.topic.replication.factor", "1");
    p.put("transaction.state.log.replication.factor", "1");
    p.put("transaction.state.log.min.isr", "1");
    p.put("share.coordinator.state.topic.replication.factor", "1");
    p.put("share.coordinator.state.topic.min.isr", "1");
    // Fewer internal partitions than the defaults (50): the first consumer group comes up fast.
    p.put("offsets.topic.num.partitions", "1");
    p.put("transaction.state.log.num.partitions", "1");
    p.put("share.coordinator.state.topic.num.partitions", "1");
    p.put("num.partitions", "1");
    p.put("group.initial.rebalance.delay.ms", "0");
    p.put("auto.create.topics.enable", "false");
    // Two cores: fewer threads than the defaults (3 network, 8 I/O).
    p.put("num.network.threads", "2");
    p.put("num.io.threads", "2");
    return p;
  }

  private static void format(String classPath, String log4jOption, Path config, Path dir)
      throws IOException {
    try (JavaProcess tool =
        JavaProcess.builder("kafka.tools.StorageTool")
            .name("kafka storage format")
            .jvmOptions("-Xmx256m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", log4jOption)
            .classPath(classPath)
            .args("format", "-t", Uuid.randomUuid().toString(), "-c", config.toString())
            .log(dir.resolve("kafka-format.log"))
            .workingDir(dir)
            .start()) {
      int code = tool.waitFor(Duration.ofSeconds(60));
      if (code != 0) {
        throw new IOException(
            "formatting the Kafka log directory failed with exit code "
                + code
                + "; last lines of "
                + tool.log()
                + ":"
                + System.lineSeparator()
                + tool.logTail(30));
      }
    }
  }

  private void awaitReady(long deadlineNanos) throws IOException {
    process.awaitPort(HOST, port, Duration.ofNanos(deadlineNanos - System.nanoTime()));
    Map<String, Object> conf = new LinkedHashMap<>();
    conf.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers());
    conf.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 5_000);
    conf.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 5_000);
    conf.put(AdminClientConfig.CLIENT_ID_CONFIG, "clae-local-readiness");
    String last = "no answer";
    try (Admin admin = Admin.create(conf)) {
      while (true) {
        if (!process.isAlive()) {
          throw new IOException(
              "Kafka broker exited before it was ready; last lines of "
                  + process.log()
                  + ":"
                  + System.lineSeparator()
                  + process.logTail(40));
        }
        long left = deadlineNanos - System.nanoTime();
        if (left <= 0) {
          throw new IOException(
              "Kafka broker at "
                  + bootstrapServers()
                  + " not ready within "
                  + START_TIMEOUT
                  + " ("
                  + last
                  + "); last lines of "
                  + process.log()
                  + ":"
                  + System.lineSeparator()
                  + process.logTail(40));
        }
        try {
          // Nodes are listed once the broker is registered and unfenced: topics can be created.
          Collection<Node> nodes =
              admin
                  .describeCluster()
                  .nodes()
                  .get(Math.min(left, TimeUnit.SECONDS.toNanos(5)), TimeUnit.NANOSECONDS);
          if (!nodes.isEmpty()) {
            return;
          }
          last = "no broker registered yet";
        } catch (ExecutionException | TimeoutException e) {
          last = String.valueOf(e.getCause() != null ? e.getCause() : e);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw new InterruptedIOException("interrupted waiting for the Kafka broker");
        }
        try {
          Thread.sleep(100);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw new InterruptedIOException("interrupted waiting for the Kafka broker");
        }
      }
    }
  }
}
