package dev.hourmeter.starter;

/** Process exit codes of the {@code hourmeter} client commands (documented in docs/cli.md). */
public final class ExitCodes {

  /** Done. Also {@code start} of a customer that is already running (a no-op). */
  public static final int OK = 0;

  /** Any other failure: Temporal unreachable, unexpected server error. */
  public static final int ERROR = 1;

  /**
   * Bad input: a flag that does not parse or validate, or usage the workflow's validator refused.
   */
  public static final int BAD_INPUT = 2;

  /**
   * No metering workflow for that product and customer (or it is no longer running, for
   * usage/unsubscribe).
   */
  public static final int NOT_FOUND = 3;

  private ExitCodes() {}
}
