package dev.clae.platform;

import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.DoubleAdder;
import java.util.function.DoubleSupplier;

/**
 * Counters and gauges of one service, served at {@code /metrics} in the Prometheus text format.
 * Names are lower-case with underscores; a label set is part of the name, such as {@code
 * messages_rejected_total{topic="clae.views"}}.
 */
public final class Metrics {
  private final Map<String, DoubleAdder> counters = new ConcurrentHashMap<>();
  private final Map<String, DoubleSupplier> gauges = new ConcurrentHashMap<>();

  /** Adds to a counter. */
  public void add(String name, double amount) {
    counters.computeIfAbsent(name, n -> new DoubleAdder()).add(amount);
  }

  /** Adds one to a counter. */
  public void increment(String name) {
    add(name, 1);
  }

  /** Returns a counter's value (0 when it was never touched). */
  public double get(String name) {
    DoubleAdder a = counters.get(name);
    return a == null ? 0 : a.sum();
  }

  /** Registers a gauge read at every scrape. */
  public void gauge(String name, DoubleSupplier value) {
    gauges.put(name, value);
  }

  /** Returns every metric in the Prometheus text format, sorted by name. */
  public String render(String prefix) {
    Map<String, Double> all = new TreeMap<>();
    counters.forEach((k, v) -> all.put(k, v.sum()));
    gauges.forEach((k, v) -> all.put(k, v.getAsDouble()));
    StringBuilder sb = new StringBuilder();
    all.forEach((k, v) -> sb.append(prefix).append(k).append(' ').append(v).append('\n'));
    return sb.toString();
  }
}
