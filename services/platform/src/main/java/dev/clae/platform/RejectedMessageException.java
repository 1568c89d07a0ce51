package dev.clae.platform;

/**
 * A message that cannot be handled as it is: unparseable, oversized, or inconsistent (a payload of
 * the wrong size, an unknown run). It is logged with its key, counted and sent to the dead-letter
 * topic; the service goes on with the next message.
 */
public final class RejectedMessageException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  /** Creates an exception whose message says what is wrong with the message. */
  public RejectedMessageException(String reason) {
    super(reason);
  }

  /** Creates an exception with its cause. */
  public RejectedMessageException(String reason, Throwable cause) {
    super(reason, cause);
  }
}
