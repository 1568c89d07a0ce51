package dev.clae.local;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A real S3 API server (S3Proxy over a folder of the local file system) running in a JVM of its own
 * on the loopback address, from the class path of the {@code deploy/s3} module. It stands in for
 * MinIO or S3 in {@code clae local} and the integration tests; requests must be signed (AWS
 * signature v2 or v4) with the given access and secret key.
 *
 * <p>Objects live under {@code workDir/s3-data}, one folder a bucket; starting again on the same
 * folder keeps them. The secret key is written to {@code workDir/s3proxy.conf} (readable by the
 * owner only) and never logged.
 */
public final class LocalS3 implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(LocalS3.class);

  /** How long {@link #start} waits for the server to answer HTTP. */
  public static final Duration START_TIMEOUT = Duration.ofSeconds(60);

  private static final String HOST = "127.0.0.1";
  private static final String LOGBACK_CONFIG = "clae-s3proxy-logback.xml";

  private final JavaProcess process;
  private final int port;
  private final String accessKey;
  private final Path dataDir;

  private LocalS3(JavaProcess process, int port, String accessKey, Path dataDir) {
    this.process = process;
    this.port = port;
    this.accessKey = accessKey;
    this.dataDir = dataDir;
  }

  /**
   * Starts a server found through {@link RepoLayout#locate()}.
   *
   * @param workDir folder for {@code s3proxy.conf}, the objects and {@code s3.log}
   * @param accessKey the access key id clients sign with
   * @param secretKey the secret key clients sign with
   * @throws IOException when the server does not answer within {@link #START_TIMEOUT}, with the
   *     tail of its log
   */
  public static LocalS3 start(Path workDir, String accessKey, String secretKey) throws IOException {
    return start(RepoLayout.locate(), workDir, accessKey, secretKey);
  }

  /**
   * Starts a server from the {@code deploy/s3} class path of {@code layout}.
   *
   * @see #start(Path, String, String)
   */
  public static LocalS3 start(RepoLayout layout, Path workDir, String accessKey, String secretKey)
      throws IOException {
    Objects.requireNonNull(accessKey, "accessKey");
    Objects.requireNonNull(secretKey, "secretKey");
    long start = System.nanoTime();
    String classPath = layout.classPathString(RepoLayout.S3_MODULE);
    Path logback = layout.classesDir(RepoLayout.S3_MODULE).resolve(LOGBACK_CONFIG);
    Path dir = Files.createDirectories(workDir).toAbsolutePath();
    Path data = Files.createDirectories(dir.resolve("s3-data"));
    int port = JavaProcess.freePort();
    String endpoint = "http://" + HOST + ":" + port;

    Map<String, String> conf = new LinkedHashMap<>();
    conf.put("s3proxy.endpoint", endpoint);
    conf.put("s3proxy.authorization", "aws-v2-or-v4");
    conf.put("s3proxy.identity", accessKey);
    conf.put("s3proxy.credential", secretKey);
    conf.put("jclouds.provider", "filesystem-nio2");
    conf.put("jclouds.filesystem.basedir", data.toString());
    Path confFile = dir.resolve("s3proxy.conf");
    PropertiesFile.write(
        confFile, "S3Proxy settings written by " + LocalS3.class.getName(), conf, true);

    JavaProcess server =
        JavaProcess.builder("org.gaul.s3proxy.Main")
            .name("s3 server")
            .jvmOptions(
                "-Xms64m",
                "-Xmx384m",
                "-XX:+UseSerialGC",
                "-XX:+ExitOnOutOfMemoryError",
                "-Djava.awt.headless=true",
                "-Dlogback.configurationFile=" + logback)
            .classPath(classPath)
            .args("--properties", confFile.toString())
            .log(dir.resolve("s3.log"))
            .workingDir(dir)
            .start();
    LocalS3 s3 = new LocalS3(server, port, accessKey, data);
    try {
      s3.awaitReady(start + START_TIMEOUT.toNanos());
    } catch (IOException | RuntimeException e) {
      s3.close();
      throw e;
    }
    LOG.info(
        "S3 server up at {} (pid {}) in {} ms, data {}, log {}",
        endpoint,
        server.pid(),
        (System.nanoTime() - start) / 1_000_000,
        data,
        server.log());
    return s3;
  }

  /** Returns the endpoint URL for S3 clients, {@code http://127.0.0.1:<port>}. */
  public String endpoint() {
    return "http://" + HOST + ":" + port;
  }

  /** Returns the HTTP port. */
  public int port() {
    return port;
  }

  /** Returns the access key id the server accepts (the secret key is not kept). */
  public String accessKey() {
    return accessKey;
  }

  /** Returns the folder holding the buckets. */
  public Path dataDir() {
    return dataDir;
  }

  /** Returns the server's JVM, e.g. to {@link JavaProcess#kill()} it in a failure test. */
  public JavaProcess process() {
    return process;
  }

  /** Stops the server (SIGTERM, then SIGKILL after 15 s). */
  @Override
  public void close() {
    process.close();
  }

  private void awaitReady(long deadlineNanos) throws IOException {
    process.awaitPort(HOST, port, Duration.ofNanos(deadlineNanos - System.nanoTime()));
    HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    HttpRequest probe =
        HttpRequest.newBuilder(URI.create(endpoint() + "/"))
            .timeout(Duration.ofSeconds(5))
            .GET()
            .build();
    String last = "no answer";
    while (true) {
      try {
        // Any HTTP status will do (unsigned, it is 403 AccessDenied): the server is serving.
        HttpResponse<Void> answer = http.send(probe, HttpResponse.BodyHandlers.discarding());
        LOG.debug("S3 server answered HTTP {}", answer.statusCode());
        return;
      } catch (IOException e) {
        last = e.toString();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new InterruptedIOException("interrupted waiting for the S3 server");
      }
      if (!process.isAlive() || System.nanoTime() > deadlineNanos) {
        throw new IOException(
            "S3 server at "
                + endpoint()
                + (process.isAlive() ? " not ready" : " exited")
                + " ("
                + last
                + "); last lines of "
                + process.log()
                + ":"
                + System.lineSeparator()
                + process.logTail(40));
      }
      try {
        Thread.sleep(100);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new InterruptedIOException("interrupted waiting for the S3 server");
      }
    }
  }
}
