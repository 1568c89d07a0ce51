package dev.clae.platform;

/** The object store could not be reached, refused a request, or lacks an object. */
public final class StoreException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  /** Creates an exception with a message naming the object and the problem. */
  public StoreException(String message) {
    super(message);
  }

  /** Creates an exception with its cause. */
  public StoreException(String message, Throwable cause) {
    super(message, cause);
  }
}
