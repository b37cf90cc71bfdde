package dev.hourmeter.activities.batching;

/**
 * A record's sender withdrew it while it waited in the {@link MeteringBatcher} for its next call
 * (the activity attempt's time ran out or the attempt ended): it is not sent again. When every
 * earlier call that carried it was refused before AWS processed anything, AWS certainly did not
 * accept it ({@link SendFailureFate#certainlyNotProcessed}).
 */
public final class RecordWithdrawnException extends RuntimeException {

  private static final long serialVersionUID = 1L;

  RecordWithdrawnException() {
    super("withdrawn by its sender before another call; not sent again");
  }
}
