package dev.clae.config;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.function.Function;

/**
 * One documented configuration key: its dotted lower-case name, default, meaning and the rule its
 * value must follow. A key whose default is {@code auto} takes a value that depends on the method
 * (see {@link ClaeConfig}); any key can be given {@code auto} only if {@link #allowsAuto()}.
 *
 * @param <T> the type of the parsed value
 */
public final class Key<T> {
  /** The value that asks for the method's own default. */
  public static final String AUTO = "auto";

  private final String name;
  private final String defaultValue;
  private final String doc;
  private final Function<String, T> parser;

  private Key(String name, String defaultValue, String doc, Function<String, T> parser) {
    this.name = name;
    this.defaultValue = defaultValue;
    this.doc = doc;
    this.parser = parser;
  }

  /** Returns the dotted key name, for example {@code adversarial.eps}. */
  public String name() {
    return name;
  }

  /** Returns the default as written in a config file. */
  public String defaultValue() {
    return defaultValue;
  }

  /** Returns the one-paragraph description of the key. */
  public String doc() {
    return doc;
  }

  /** Returns whether {@code auto} is an accepted value. */
  public boolean allowsAuto() {
    return AUTO.equals(defaultValue);
  }

  /**
   * Parses and validates a raw value.
   *
   * @param raw the value as written
   * @return the typed value
   * @throws ConfigException naming this key and the rule when the value is invalid
   */
  public T parse(String raw) {
    try {
      return parser.apply(raw.trim());
    } catch (ConfigException e) {
      throw e;
    } catch (RuntimeException e) {
      throw new ConfigException(name + "=" + raw + ": " + e.getMessage());
    }
  }

  @Override
  public String toString() {
    return name;
  }

  static Key<Integer> ofInt(String name, String def, long min, long max, String doc) {
    return new Key<>(
        name,
        def,
        doc,
        raw -> {
          long v;
          try {
            v = Long.parseLong(raw);
          } catch (NumberFormatException e) {
            throw new ConfigException(name + "=" + raw + ": expected an integer");
          }
          if (v < min || v > max) {
            throw new ConfigException(name + "=" + raw + ": must be in [" + min + ", " + max + "]");
          }
          return (int) v;
        });
  }

  static Key<Long> ofLong(String name, String def, String doc) {
    return new Key<>(
        name,
        def,
        doc,
        raw -> {
          try {
            return Long.parseLong(raw);
          } catch (NumberFormatException e) {
            throw new ConfigException(name + "=" + raw + ": expected an integer");
          }
        });
  }

  /**
   * A floating-point key in a range.
   *
   * @param minOpen true when the lower bound itself is not allowed
   */
  static Key<Double> ofDouble(
      String name, String def, double min, boolean minOpen, double max, String doc) {
    return new Key<>(
        name,
        def,
        doc,
        raw -> {
          double v;
          try {
            v = Double.parseDouble(raw);
          } catch (NumberFormatException e) {
            throw new ConfigException(name + "=" + raw + ": expected a number");
          }
          boolean low = minOpen ? v <= min : v < min;
          if (Double.isNaN(v) || low || v > max) {
            String lo = (minOpen ? "(" : "[") + fmt(min);
            throw new ConfigException(
                name + "=" + raw + ": must be in " + lo + ", " + fmt(max) + "]");
          }
          return v;
        });
  }

  static Key<Boolean> ofBool(String name, String def, String doc) {
    return new Key<>(
        name,
        def,
        doc,
        raw -> {
          String v = raw.toLowerCase(Locale.ROOT);
          if (v.equals("true") || v.equals("false")) {
            return Boolean.valueOf(v);
          }
          throw new ConfigException(name + "=" + raw + ": expected true or false");
        });
  }

  static Key<String> ofChoice(String name, String def, String doc, String... choices) {
    List<String> allowed = Arrays.asList(choices);
    return new Key<>(
        name,
        def,
        doc,
        raw -> {
          String v = raw.toLowerCase(Locale.ROOT);
          if (!allowed.contains(v)) {
            throw new ConfigException(
                name
                    + "="
                    + raw
                    + ": unknown value, expected one of "
                    + String.join(", ", allowed));
          }
          return v;
        });
  }

  static Key<String> ofString(String name, String def, String doc) {
    return new Key<>(name, def, doc, raw -> raw);
  }

  /** A comma-separated list of non-negative integers; empty means none. */
  static Key<List<Integer>> ofIntList(String name, String def, String doc) {
    return new Key<>(
        name,
        def,
        doc,
        raw -> {
          List<Integer> out = new ArrayList<>();
          if (raw.isEmpty() || raw.equals("none")) {
            return out;
          }
          for (String part : raw.split(",")) {
            try {
              int v = Integer.parseInt(part.trim());
              if (v < 0) {
                throw new NumberFormatException();
              }
              out.add(v);
            } catch (NumberFormatException e) {
              throw new ConfigException(
                  name + "=" + raw + ": expected comma-separated non-negative integers");
            }
          }
          return out;
        });
  }

  private static String fmt(double v) {
    if (v == Double.MAX_VALUE) {
      return "inf";
    }
    return v == Math.rint(v) ? String.valueOf((long) v) : String.valueOf(v);
  }
}
