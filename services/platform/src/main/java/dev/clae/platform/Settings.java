package dev.clae.platform;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * The settings of a service process: where Kafka and the object store are, credentials, ports,
 * engine threads. Each setting has a dotted lower-case name and can be given, in increasing
 * priority, by its default, an environment variable ({@code CLAE_} and the name in upper case with
 * dots as underscores: {@code kafka.bootstrap.servers} is {@code CLAE_KAFKA_BOOTSTRAP_SERVERS}) or
 * a {@code --set name=value} argument. A secret ({@code s3.secret.key}, {@code api.token}) may
 * instead name a file with {@code <name>.file}, as Kubernetes mounts them; secrets never appear in
 * {@link #describe()} or logs.
 *
 * <p>Run settings (method, epochs, lag) are not here: they travel with each run's spec.
 */
public final class Settings {
  /** One declared setting. */
  public record Setting(String name, String defaultValue, boolean secret, String doc) {
    /** Returns the environment variable that sets it. */
    public String envName() {
      return "CLAE_" + name.toUpperCase(Locale.ROOT).replace('.', '_');
    }
  }

  private static final Map<String, Setting> ALL = new LinkedHashMap<>();

  /** Kafka bootstrap servers. */
  public static final Setting KAFKA_BOOTSTRAP =
      declare("kafka.bootstrap.servers", "127.0.0.1:9092", false, "Kafka bootstrap servers.");

  /** Prefix of every topic name. */
  public static final Setting TOPIC_PREFIX =
      declare("kafka.topic.prefix", "clae.", false, "Prefix of the pipeline's topic names.");

  /** Partitions of topics the pipeline creates. */
  public static final Setting TOPIC_PARTITIONS =
      declare(
          "kafka.topic.partitions",
          "6",
          false,
          "Partitions of the batch topics when the pipeline creates them; adversary replicas"
              + " beyond this number stay idle.");

  /** How long the broker may hold a consumer's fetch when no data is there. */
  public static final Setting FETCH_MAX_WAIT_MS =
      declare(
          "kafka.fetch.max.wait.ms",
          "500",
          false,
          "How long the broker holds an idle consumer's fetch request; data that arrives ends the"
              + " wait at once, so a shorter wait adds no speed, only fetch requests.");

  /** Largest payload sent inside a Kafka message. */
  public static final Setting INLINE_MAX_BYTES =
      declare(
          "kafka.inline.max.bytes",
          "900000",
          false,
          "Payloads up to this size travel inside the Kafka message; larger ones go to the"
              + " object store with only their key in the message (claim check). Producers,"
              + " consumers and the topics the pipeline creates allow messages of this size plus"
              + " 64 KiB (at least Kafka's default 1 MiB), at most 4128768; a service raises the"
              + " max.message.bytes of existing topics below that at start.");

  /** How long the topics that carry payloads keep their records. */
  public static final Setting DATA_RETENTION_MS =
      declare(
          "kafka.data.retention.ms",
          "3600000",
          false,
          "Retention of the views, adversarial and weights topics when the pipeline creates them"
              + " (at least 60000): their records are used within seconds, and an adversary that"
              + " starts reads the weights topic from its beginning. Other topics keep the"
              + " broker's retention.");

  /** S3 endpoint. */
  public static final Setting S3_ENDPOINT =
      declare("s3.endpoint", "http://127.0.0.1:9000", false, "S3-compatible endpoint URL.");

  /** S3 region. */
  public static final Setting S3_REGION = declare("s3.region", "us-east-1", false, "S3 region.");

  /** Bucket of every artifact. */
  public static final Setting S3_BUCKET =
      declare("s3.bucket", "clae", false, "Bucket of all artifacts; created when missing.");

  /** S3 access key. */
  public static final Setting S3_ACCESS_KEY =
      declare("s3.access.key", "", true, "S3 access key (or s3.access.key.file).");

  /** S3 secret key. */
  public static final Setting S3_SECRET_KEY =
      declare("s3.secret.key", "", true, "S3 secret key (or s3.secret.key.file).");

  /** Port of the health and metrics endpoint. */
  public static final Setting HTTP_PORT =
      declare("http.port", "8080", false, "Port of /health and /metrics (0: any free port).");

  /** Port of the coordinator's gRPC API. */
  public static final Setting GRPC_PORT =
      declare("grpc.port", "50051", false, "Port of the coordinator's gRPC API.");

  /** API token. */
  public static final Setting API_TOKEN =
      declare(
          "api.token",
          "",
          true,
          "When set, gRPC calls must carry 'authorization: Bearer <token>' (or api.token.file).");

  /** Identity of this process. */
  public static final Setting SERVICE_ID =
      declare(
          "service.id",
          "",
          false,
          "Name of this replica in logs and messages (default: host-pid).");

  /** Engine threads. */
  public static final Setting ENGINE_THREADS =
      declare("engine.threads", "0", false, "Intra-op threads of the engine (0: one a core).");

  /** Engine threads of a step's clean half started before its adversarial view is there. */
  public static final Setting TRAINER_EARLY_THREADS =
      declare(
          "trainer.early.threads",
          "0",
          false,
          "Engine threads the trainer gives the clean half of a step (the clean views' forward"
              + " passes) that it starts while the step's adversarial view is still being made"
              + " (0: all of engine.threads; -1: wait for the adversarial view, then start).");

  /** Compute device. */
  public static final Setting DEVICE =
      declare("device", "cpu", false, "Compute device of the adversary and trainer: cpu or gpu.");

  /** Local cache of datasets fetched from the object store. */
  public static final Setting DATA_CACHE =
      declare(
          "data.cache.dir",
          System.getProperty("java.io.tmpdir") + "/clae-data",
          false,
          "Where datasets named by s3:// paths are downloaded.");

  private final Map<String, String> values;

  private Settings(Map<String, String> values) {
    this.values = values;
  }

  private static Setting declare(String name, String def, boolean secret, String doc) {
    Setting s = new Setting(name, def, secret, doc);
    ALL.put(name, s);
    return s;
  }

  /** Returns every declared setting. */
  public static Map<String, Setting> all() {
    return Collections.unmodifiableMap(ALL);
  }

  /**
   * Reads settings from the environment and {@code --set name=value} arguments.
   *
   * @throws IllegalArgumentException naming an unknown setting or a malformed argument
   */
  public static Settings load(Map<String, String> env, String... args) {
    Map<String, String> v = new LinkedHashMap<>();
    for (Setting s : ALL.values()) {
      String fromEnv = env.get(s.envName());
      if (fromEnv != null) {
        v.put(s.name(), fromEnv);
      }
      String file = env.get(s.envName() + "_FILE");
      if (file != null && fromEnv == null) {
        v.put(s.name() + ".file", file);
      }
    }
    for (int i = 0; i < args.length; i++) {
      if (!"--set".equals(args[i]) || i + 1 >= args.length) {
        throw new IllegalArgumentException(
            "unexpected argument '" + args[i] + "': expected --set name=value");
      }
      String a = args[++i];
      int eq = a.indexOf('=');
      if (eq <= 0) {
        throw new IllegalArgumentException("--set " + a + ": expected name=value");
      }
      String name = a.substring(0, eq).trim();
      String base = name.endsWith(".file") ? name.substring(0, name.length() - 5) : name;
      Setting s = ALL.get(base);
      if (s == null || (name.endsWith(".file") && !s.secret())) {
        throw new IllegalArgumentException("unknown setting '" + name + "'");
      }
      v.put(name, a.substring(eq + 1).trim());
    }
    return new Settings(v);
  }

  /** Returns settings from explicit values, for tests and embedding. */
  public static Settings of(Map<String, String> values) {
    for (String name : values.keySet()) {
      String base = name.endsWith(".file") ? name.substring(0, name.length() - 5) : name;
      if (!ALL.containsKey(base)) {
        throw new IllegalArgumentException("unknown setting '" + name + "'");
      }
    }
    return new Settings(new LinkedHashMap<>(values));
  }

  /** Returns a copy with one more value. */
  public Settings with(Setting s, String value) {
    Map<String, String> v = new LinkedHashMap<>(values);
    v.put(s.name(), value);
    return new Settings(v);
  }

  /**
   * Returns a setting's value; for a secret given as a file, the file's contents without the
   * trailing newline.
   *
   * @throws IllegalArgumentException when a secret's file cannot be read
   */
  public String get(Setting s) {
    String v = values.get(s.name());
    if (v != null) {
      return v;
    }
    String file = values.get(s.name() + ".file");
    if (file != null && s.secret()) {
      try {
        return Files.readString(Path.of(file), StandardCharsets.UTF_8).strip();
      } catch (IOException e) {
        throw new IllegalArgumentException(
            s.name() + ".file: cannot read " + file + " (" + e.getClass().getSimpleName() + ")");
      }
    }
    return s.defaultValue();
  }

  /**
   * Returns a setting as a long.
   *
   * @throws IllegalArgumentException naming the setting when it is not an integer
   */
  public long getLong(Setting s) {
    String v = get(s);
    try {
      return Long.parseLong(v.trim());
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(s.name() + "=" + v + ": expected an integer");
    }
  }

  /**
   * Returns a setting as an int.
   *
   * @throws IllegalArgumentException naming the setting when it is not an integer
   */
  public int getInt(Setting s) {
    long v = getLong(s);
    if (v != (int) v) {
      throw new IllegalArgumentException(s.name() + "=" + v + ": out of the integer range");
    }
    return (int) v;
  }

  /** Returns this replica's name: {@code service.id}, or {@code <service>-<host>-<pid>}. */
  public String serviceId(String service) {
    String id = get(SERVICE_ID);
    if (!id.isBlank()) {
      return id;
    }
    String host = System.getenv().getOrDefault("HOSTNAME", "local");
    return service + "-" + host + "-" + ProcessHandle.current().pid();
  }

  /** Returns every non-secret value, and secrets as {@code <set>} or {@code <unset>}. */
  public Map<String, String> describe() {
    Map<String, String> out = new TreeMap<>();
    for (Setting s : ALL.values()) {
      boolean set = values.containsKey(s.name()) || values.containsKey(s.name() + ".file");
      out.put(s.name(), s.secret() ? (set ? "<set>" : "<unset>") : get(s));
    }
    return out;
  }
}
