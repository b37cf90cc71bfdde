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

  /**
   * {@code start} not confirmed: Temporal did not answer the start within {@code --rpc-timeout},
   * and afterwards could not say, or did not yet show, that the workflow runs. It may have started;
   * running {@code start} again is safe (a running customer is never started twice).
   */
  public static final int NOT_CONFIRMED = 4;

  private ExitCodes() {}
}
