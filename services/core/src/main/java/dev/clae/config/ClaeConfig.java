package dev.clae.config;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A complete, validated run configuration: every key of {@link Keys} with a concrete value, the
 * {@code auto} defaults resolved for the chosen method. Values come, in rising precedence, from the
 * defaults, a config file ({@code key = value} lines, {@code #} comments) and single {@code
 * key=value} overrides. Unknown keys and invalid values fail with a {@link ConfigException} that
 * names the key and, for files, the line.
 */
public final class ClaeConfig {
  private final Map<String, String> values;

  private ClaeConfig(Map<String, String> values) {
    this.values = Collections.unmodifiableMap(values);
  }

  /** Returns a configuration with every default and no overrides. */
  public static ClaeConfig defaults() {
    return builder().build();
  }

  /** Returns a builder that starts from the defaults. */
  public static Builder builder() {
    return new Builder();
  }

  /** Returns the typed value of a key. */
  public <T> T get(Key<T> key) {
    return key.parse(values.get(key.name()));
  }

  /** Returns the resolved value of a key as written. */
  public String raw(Key<?> key) {
    return values.get(key.name());
  }

  /** Returns every key and resolved value, in declaration order. */
  public Map<String, String> asMap() {
    return values;
  }

  /**
   * Channels of a layer that has {@code base} channels at width 1, at width multiplier {@code
   * width}; at least one.
   */
  public static int scaledChannels(int base, double width) {
    return Math.max(1, (int) Math.round(base * width));
  }

  /** Returns whether the adversarial (CLAE) branch is on. */
  public boolean adversarial() {
    return get(Keys.ADV_ENABLED);
  }

  /** Returns a builder seeded with this configuration's explicit values, for deriving a variant. */
  public Builder toBuilder() {
    Builder b = new Builder();
    b.explicit.putAll(values);
    return b;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof ClaeConfig && ((ClaeConfig) o).values.equals(values);
  }

  @Override
  public int hashCode() {
    return values.hashCode();
  }

  @Override
  public String toString() {
    return values.toString();
  }

  /** Collects values from files and overrides, then validates and resolves them. */
  public static final class Builder {
    private final Map<String, String> explicit = new LinkedHashMap<>();

    private Builder() {}

    /**
     * Sets one key.
     *
     * @throws ConfigException when the key is unknown
     */
    public Builder set(String key, String value) {
      return set(key, value, "");
    }

    /** Sets one key given as {@code key=value}. */
    public Builder set(String assignment) {
      int eq = assignment.indexOf('=');
      if (eq <= 0) {
        throw new ConfigException(
            "--set " + assignment + ": expected key=value, for example adversarial.eps=0.03");
      }
      return set(assignment.substring(0, eq).trim(), assignment.substring(eq + 1), "");
    }

    /** Sets several keys. */
    public Builder setAll(Map<String, String> entries) {
      entries.forEach(this::set);
      return this;
    }

    /**
     * Reads a config file of {@code key = value} lines; blank lines and lines starting with {@code
     * #} are ignored.
     *
     * @throws ConfigException naming the file and line when it cannot be read or parsed
     */
    public Builder load(Path file) {
      List<String> lines;
      try {
        lines = Files.readAllLines(file, StandardCharsets.UTF_8);
      } catch (IOException e) {
        throw new ConfigException("config file " + file + ": cannot be read (" + e + ")");
      }
      for (int i = 0; i < lines.size(); i++) {
        String line = lines.get(i).strip();
        if (line.isEmpty() || line.startsWith("#")) {
          continue;
        }
        String where = " (" + file + " line " + (i + 1) + ")";
        int eq = line.indexOf('=');
        if (eq <= 0) {
          throw new ConfigException(
              "config file "
                  + file
                  + " line "
                  + (i + 1)
                  + ": expected key = value, got '"
                  + line
                  + "'");
        }
        set(line.substring(0, eq).trim(), line.substring(eq + 1).trim(), where);
      }
      return this;
    }

    private Builder set(String key, String value, String where) {
      Key<?> spec = Keys.all().get(key);
      if (spec == null) {
        throw new ConfigException("unknown config key '" + key + "'" + where + suggest(key));
      }
      String v = value.trim();
      if (!Key.AUTO.equals(v) || !spec.allowsAuto()) {
        try {
          spec.parse(v);
        } catch (ConfigException e) {
          throw new ConfigException(e.getMessage() + where);
        }
      }
      explicit.put(key, v);
      return this;
    }

    /**
     * Resolves the {@code auto} defaults and checks the rules between keys.
     *
     * @return the validated configuration
     * @throws ConfigException naming the key when a rule is broken
     */
    public ClaeConfig build() {
      Map<String, String> v = new LinkedHashMap<>();
      for (Key<?> key : Keys.all().values()) {
        v.put(key.name(), explicit.getOrDefault(key.name(), key.defaultValue()));
      }
      AutoDefaults.resolve(v);
      ClaeConfig config = new ClaeConfig(v);
      for (Key<?> key : Keys.all().values()) {
        config.get(key);
      }
      int interval = config.get(Keys.PIPELINE_WEIGHTS_INTERVAL);
      int lag = config.get(Keys.PIPELINE_MAX_LAG);
      if (interval > lag + 1) {
        throw new ConfigException(
            "pipeline.weights.interval.steps="
                + interval
                + " exceeds pipeline.max.lag.steps + 1 = "
                + (lag + 1)
                + ": some batches would have no weights recent enough to attack with");
      }
      return config;
    }

    private static String suggest(String key) {
      String best = null;
      int bestDistance = Integer.MAX_VALUE;
      for (String name : Keys.all().keySet()) {
        int d = editDistance(key, name);
        if (d < bestDistance) {
          bestDistance = d;
          best = name;
        }
      }
      if (best != null && bestDistance <= Math.max(3, key.length() / 3)) {
        return "; did you mean '" + best + "'?";
      }
      return "; clae keys lists the known keys";
    }

    private static int editDistance(String a, String b) {
      int[] prev = new int[b.length() + 1];
      int[] cur = new int[b.length() + 1];
      for (int j = 0; j <= b.length(); j++) {
        prev[j] = j;
      }
      for (int i = 1; i <= a.length(); i++) {
        cur[0] = i;
        for (int j = 1; j <= b.length(); j++) {
          int sub = prev[j - 1] + (a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1);
          cur[j] = Math.min(sub, Math.min(prev[j], cur[j - 1]) + 1);
        }
        int[] t = prev;
        prev = cur;
        cur = t;
      }
      return prev[b.length()];
    }
  }
}
