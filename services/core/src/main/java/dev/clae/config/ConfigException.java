package dev.clae.config;

/**
 * A configuration value, key or file broke a rule. The message names the key (or file) and the
 * rule, so that it can be printed to the user as one line.
 */
public class ConfigException extends IllegalArgumentException {
  private static final long serialVersionUID = 1L;

  /**
   * Creates the exception.
   *
   * @param message the key or file, the rule it broke and, where useful, what to do instead
   */
  public ConfigException(String message) {
    super(message);
  }
}
