package dev.hourmeter.worker.intake;

/** A queue message that is not a lifecycle event hourmeter can act on; the message says why. */
public final class MalformedMessageException extends Exception {

  private static final long serialVersionUID = 1L;

  public MalformedMessageException(String message) {
    super(message);
  }
}
