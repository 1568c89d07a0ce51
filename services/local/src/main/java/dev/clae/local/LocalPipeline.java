package dev.clae.local;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The whole pipeline on one machine: a KRaft Kafka broker and an S3 server as processes, then every
 * service as a process of its own (coordinator, augmenter, adversaries, trainer, evaluator), each
 * started from its module's class path exactly as a container would run it, and given its settings
 * through {@code CLAE_*} environment variables. The S3 credentials and the API token are made up
 * for the session and passed only through the environment. {@link #close()} stops the services,
 * then the store and the broker.
 */
public final class LocalPipeline implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(LocalPipeline.class);
  private static final Duration HEALTH_TIMEOUT = Duration.ofSeconds(120);

  /**
   * How to size the pipeline.
   *
   * @param adversaries adversary replicas
   * @param trainerThreads engine threads of the trainer
   * @param adversaryThreads engine threads of each adversary
   * @param evaluatorThreads engine threads of the evaluator
   * @param inlineMaxBytes payloads up to this size travel inside Kafka messages
   */
  public record Options(
      int adversaries,
      int trainerThreads,
      int adversaryThreads,
      int evaluatorThreads,
      int inlineMaxBytes) {
    /**
     * Returns the defaults: one adversary, two threads each, and payloads up to 4,000,000 bytes
     * inline. The broker is this machine's own, so its limits can be raised; a view batch through
     * the broker costs less CPU than a round trip through the store (docs/pipeline.md, "Views
     * through the broker"). The services' own default stays at 900,000, within Kafka's 1 MiB.
     */
    public static Options defaults() {
      return new Options(1, 2, 2, 2, 4_000_000);
    }
  }

  private final RepoLayout layout;
  private final Path workDir;
  private final Options options;
  private final String accessKey = "clae-local";
  private final String secretKey = randomHex(20);
  private final String apiToken = randomHex(16);
  private final HttpClient http = HttpClient.newHttpClient();
  private final Map<String, JavaProcess> services = new LinkedHashMap<>();
  private final Map<String, Integer> healthPorts = new LinkedHashMap<>();
  private LocalKafka kafka;
  private LocalS3 s3;
  private int grpcPort;
  private final java.util.Set<String> killed = new java.util.HashSet<>();
  private volatile boolean closing;

  /** The services whose engine threads compute; the others are plain Java. */
  private static final java.util.Set<String> ENGINE_SERVICES =
      java.util.Set.of("trainer", "adversary", "evaluator");

  /**
   * The environment of the engine services, unless the variables are set already (the measurements
   * behind both are in docs/pipeline.md):
   *
   * <ul>
   *   <li>{@code GOMP_SPINCOUNT}: how long an engine thread with nothing to do spins before it
   *       sleeps, in GNU OpenMP's wait loops (its default is 300,000). The cores are shared by
   *       several processes here, and a thread that spins while its partner in an operation is
   *       descheduled burns the core the partner needs.
   *   <li>{@code MALLOC_TRIM_THRESHOLD_} and {@code MALLOC_MMAP_THRESHOLD_}: keep the memory a step
   *       frees for the next step instead of handing it back to the kernel and faulting it in
   *       again, zeroed, a few milliseconds later. A service repeats the same step shapes, so its
   *       resident memory stays at one step's high-water mark. The images (the root pom's jib
   *       environment) and the {@code clae} launcher set the same two values.
   * </ul>
   */
  static final Map<String, String> ENGINE_ENV =
      Map.of(
          "GOMP_SPINCOUNT", "10000",
          "MALLOC_TRIM_THRESHOLD_", "1073741824",
          "MALLOC_MMAP_THRESHOLD_", "33554432");

  private final Map<String, Integer> threadOverrides = new java.util.HashMap<>();
  private final Map<String, Map<String, String>> envOverrides = new java.util.HashMap<>();

  private LocalPipeline(RepoLayout layout, Path workDir, Options options) {
    this.layout = layout;
    this.workDir = workDir;
    this.options = options;
  }

  /**
   * Starts the broker, the store and every service, and waits until each answers on its health
   * endpoint.
   *
   * @throws IOException when a process does not come up; the ones started are stopped again
   */
  public static LocalPipeline start(Path workDir, Options options) throws IOException {
    LocalPipeline p = new LocalPipeline(RepoLayout.locate(), workDir, options);
    try {
      p.startAll();
      return p;
    } catch (IOException | RuntimeException e) {
      p.close();
      throw e;
    }
  }

  private void startAll() throws IOException {
    Files.createDirectories(workDir);
    long t0 = System.nanoTime();
    kafka = LocalKafka.start(layout, workDir.resolve("kafka"), Map.of());
    s3 = LocalS3.start(layout, workDir.resolve("s3"), accessKey, secretKey);
    grpcPort = JavaProcess.freePort();
    startService("coordinator", 1);
    startService("augmenter", 1);
    startService("trainer", options.trainerThreads());
    startService("evaluator", options.evaluatorThreads());
    for (int i = 0; i < options.adversaries(); i++) {
      addAdversary();
    }
    for (String name : services.keySet()) {
      awaitHealthy(name);
    }
    LOG.info(
        "pipeline up in {} s: Kafka {}, S3 {}, coordinator 127.0.0.1:{}",
        String.format("%.1f", (System.nanoTime() - t0) / 1e9),
        kafka.bootstrapServers(),
        s3.endpoint(),
        grpcPort);
  }

  /** Starts one more adversary replica and waits until it is healthy; returns its name. */
  public String addAdversary() throws IOException {
    return addAdversary(options.adversaryThreads());
  }

  /** Starts one more adversary replica with {@code threads} engine threads; returns its name. */
  public String addAdversary(int threads) throws IOException {
    return addAdversary(threads, Map.of());
  }

  /** Starts one more adversary replica with engine threads and environment variables of its own. */
  public String addAdversary(int threads, Map<String, String> env) throws IOException {
    int i = 1;
    while (services.containsKey("adversary-" + i)) {
      i++;
    }
    String name = "adversary-" + i;
    threadOverrides.put(name, threads);
    envOverrides.put(name, Map.copyOf(env));
    startService(name, threads);
    awaitHealthy(name);
    return name;
  }

  private void startService(String name, int threads) throws IOException {
    String kind = name.startsWith("adversary") ? "adversary" : name;
    int httpPort = JavaProcess.freePort();
    Path logs = workDir.resolve("logs");
    Files.createDirectories(logs);
    JavaProcess.Builder b =
        JavaProcess.builder("dev.clae." + kind + ".Main")
            .name(name)
            .classPath(layout.classPath("services/" + kind))
            .jvmOptions(
                "-Xmx2g",
                "-XX:MaxDirectMemorySize=1g",
                "-Djava.awt.headless=true",
                "-Dai.djl.offline=true",
                "-Dclae.code.version=" + System.getProperty("clae.code.version", "unknown"))
            .log(logs.resolve(name + ".log"))
            .workingDir(layout.root())
            .env("CLAE_SERVICE_ID", name)
            .env("CLAE_KAFKA_BOOTSTRAP_SERVERS", kafka.bootstrapServers())
            .env("CLAE_KAFKA_INLINE_MAX_BYTES", String.valueOf(options.inlineMaxBytes()))
            .env("CLAE_S3_ENDPOINT", s3.endpoint())
            .env("CLAE_S3_ACCESS_KEY", accessKey)
            .env("CLAE_S3_SECRET_KEY", secretKey)
            .env("CLAE_HTTP_PORT", String.valueOf(httpPort))
            .env("CLAE_ENGINE_THREADS", String.valueOf(threads))
            .env("CLAE_DATA_CACHE_DIR", workDir.resolve("data-cache").toString());
    if (kind.equals("coordinator")) {
      b.env("CLAE_GRPC_PORT", String.valueOf(grpcPort)).env("CLAE_API_TOKEN", apiToken);
    }
    if (ENGINE_SERVICES.contains(kind)) {
      ENGINE_ENV.forEach(
          (k, v) -> {
            if (System.getenv(k) == null) {
              b.env(k, v);
            }
          });
    }
    envOverrides.getOrDefault(name, Map.of()).forEach(b::env);
    JavaProcess old = services.put(name, b.start());
    if (old != null) {
      old.close();
    }
    healthPorts.put(name, httpPort);
  }

  /**
   * Waits until a service answers 200 on {@code /health}.
   *
   * @throws IOException when it exits or does not answer within two minutes, with its log's tail
   */
  public void awaitHealthy(String name) throws IOException {
    JavaProcess p = services.get(name);
    URI uri = URI.create("http://127.0.0.1:" + healthPorts.get(name) + "/health");
    long deadline = System.nanoTime() + HEALTH_TIMEOUT.toNanos();
    while (true) {
      if (!p.isAlive()) {
        throw new IOException(name + " exited during start; log:\n" + p.logTail(30));
      }
      try {
        HttpResponse<String> r =
            http.send(
                HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(2)).build(),
                HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() == 200) {
          return;
        }
      } catch (IOException e) {
        // not listening yet
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IOException("interrupted waiting for " + name, e);
      }
      if (System.nanoTime() > deadline) {
        throw new IOException(
            name + " not healthy after " + HEALTH_TIMEOUT + "; log:\n" + p.logTail(30));
      }
      sleep(200);
    }
  }

  /** Stops a service politely and forgets it (the supervisor leaves it stopped). */
  public void stop(String name) {
    synchronized (services) {
      killed.add(name);
      JavaProcess p = services.remove(name);
      if (p != null) {
        p.close();
      }
    }
  }

  /** Kills a service at once, as a crash would (no shutdown hooks run). */
  public void kill(String name) {
    synchronized (services) {
      killed.add(name);
      services.get(name).kill();
    }
  }

  /**
   * Restarts any service that dies by itself, as Kubernetes would, checking every second until
   * {@link #close()}; services stopped with {@link #kill} are left to the caller.
   */
  public void supervise() {
    Thread t =
        new Thread(
            () -> {
              while (!closing) {
                sleep(1000);
                for (String name : List.copyOf(services.keySet())) {
                  JavaProcess p = services.get(name);
                  boolean dead;
                  synchronized (services) {
                    dead = !closing && !killed.contains(name) && !p.isAlive();
                  }
                  if (dead) {
                    LOG.warn("{} died; restarting it. Its log:\n{}", name, p.logTail(15));
                    try {
                      restart(name);
                    } catch (IOException | RuntimeException e) {
                      LOG.error("cannot restart {}: {}", name, e.toString());
                    }
                  }
                }
              }
            },
            "clae-local-supervisor");
    t.setDaemon(true);
    t.start();
  }

  /**
   * Stops a service politely and starts it again with another engine thread count, waiting until it
   * is healthy (a benchmark gives the trainer and an adversary a core each this way).
   */
  public void restart(String name, int threads) throws IOException {
    restart(name, threads, envOverrides.getOrDefault(name, Map.of()));
  }

  /**
   * Like {@link #restart(String, int)}, with environment variables set for this service from now on
   * (service settings as {@code CLAE_*} variables, for instance).
   */
  public void restart(String name, int threads, Map<String, String> env) throws IOException {
    synchronized (services) {
      killed.add(name);
      services.get(name).close();
    }
    threadOverrides.put(name, threads);
    envOverrides.put(name, Map.copyOf(env));
    restart(name);
  }

  /** Starts a service again after {@link #kill} and waits until it is healthy. */
  public void restart(String name) throws IOException {
    synchronized (services) {
      killed.remove(name);
    }
    String kind = name.startsWith("adversary") ? "adversary" : name;
    int threads =
        switch (kind) {
          case "trainer" -> options.trainerThreads();
          case "evaluator" -> options.evaluatorThreads();
          case "adversary" -> options.adversaryThreads();
          default -> 1;
        };
    startService(name, threadOverrides.getOrDefault(name, threads));
    awaitHealthy(name);
  }

  /** Returns the health port of a service, whose {@code /metrics} is beside it. */
  public int healthPort(String name) {
    return healthPorts.get(name);
  }

  /** Returns a service's body of {@code /metrics}. */
  public String metrics(String name) throws IOException {
    try {
      return http.send(
              HttpRequest.newBuilder(
                      URI.create("http://127.0.0.1:" + healthPorts.get(name) + "/metrics"))
                  .build(),
              HttpResponse.BodyHandlers.ofString())
          .body();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted", e);
    }
  }

  /**
   * Returns the CPU seconds each process has used so far (services, broker and store), for
   * benchmarks that ask where the time goes.
   */
  public Map<String, Double> cpuSeconds() {
    Map<String, Double> out = new LinkedHashMap<>();
    services.forEach((name, p) -> out.put(name, cpu(p)));
    out.put("kafka", cpu(kafka.process()));
    out.put("s3", cpu(s3.process()));
    return out;
  }

  private static double cpu(JavaProcess p) {
    return p.handle().info().totalCpuDuration().map(d -> d.toNanos() / 1e9).orElse(Double.NaN);
  }

  /** Returns the services by name. */
  public Map<String, JavaProcess> services() {
    return services;
  }

  /** Returns {@code 127.0.0.1:<port>} of the coordinator's gRPC API. */
  public String coordinatorAddress() {
    return "127.0.0.1:" + grpcPort;
  }

  /** Returns the session's API token. */
  public String apiToken() {
    return apiToken;
  }

  /** Returns the Kafka bootstrap servers. */
  public String kafkaBootstrap() {
    return kafka.bootstrapServers();
  }

  /** Returns the S3 endpoint. */
  public String s3Endpoint() {
    return s3.endpoint();
  }

  /** Returns the S3 access key. */
  public String s3AccessKey() {
    return accessKey;
  }

  /** Returns the S3 secret key (for clients in the same session; never print it). */
  public String s3SecretKey() {
    return secretKey;
  }

  /** Returns the folder of the services' logs. */
  public Path logs() {
    return workDir.resolve("logs");
  }

  /** Stops every service, then the store and the broker. */
  @Override
  public void close() {
    closing = true;
    List<String> names = new ArrayList<>(services.keySet());
    java.util.Collections.reverse(names);
    for (String n : names) {
      try {
        services.get(n).close();
      } catch (RuntimeException e) {
        LOG.warn("stopping {}: {}", n, e.toString());
      }
    }
    if (s3 != null) {
      s3.close();
    }
    if (kafka != null) {
      kafka.close();
    }
  }

  private static String randomHex(int bytes) {
    byte[] b = new byte[bytes];
    new SecureRandom().nextBytes(b);
    return HexFormat.of().formatHex(b);
  }

  private static void sleep(long ms) {
    try {
      Thread.sleep(ms);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new UncheckedIOException(new IOException("interrupted", e));
    }
  }
}
