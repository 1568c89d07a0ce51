package dev.clae.train;

/** The loss stopped being a finite number; training cannot go on. */
public class TrainingDivergedException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  /** Creates the exception. */
  public TrainingDivergedException(String message) {
    super(message);
  }
}
