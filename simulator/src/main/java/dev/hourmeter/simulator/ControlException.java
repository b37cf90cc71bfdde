package dev.hourmeter.simulator;

/**
 * A bad control API request: rendered as HTTP 400 {@code {"error": message}}; the message names the
 * field.
 */
final class ControlException extends RuntimeException {

  private final int status;

  ControlException(String message) {
    this(400, message);
  }

  ControlException(int status, String message) {
    super(message, null, false, false);
    this.status = status;
  }

  int status() {
    return status;
  }
}
