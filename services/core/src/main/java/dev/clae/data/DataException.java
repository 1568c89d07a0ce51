package dev.clae.data;

/** A dataset file or folder is missing or malformed; the message names the file and problem. */
public class DataException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  /** Creates the exception with a message naming the file and the problem. */
  public DataException(String message) {
    super(message);
  }

  /** Creates the exception with a cause. */
  public DataException(String message, Throwable cause) {
    super(message, cause);
  }
}
