package dev.clae.platform;

/**
 * The blocking core of a service: a loop that consumes, computes and publishes until it is told to
 * stop. {@link ServiceHost} runs it on a thread of its own, beside the Vert.x event loop that
 * serves health and metrics.
 */
public interface PipelineService extends AutoCloseable {
  /** Runs until {@link #stop()} is called; an exception ends the service (and its process). */
  void run() throws Exception;

  /** Asks {@link #run()} to return soon; called from another thread. */
  void stop();

  /** Returns whether the service considers itself able to work (for {@code /health}). */
  default boolean healthy() {
    return true;
  }

  /** Releases clients and engine memory after {@link #run()} returned. */
  @Override
  default void close() {}
}
