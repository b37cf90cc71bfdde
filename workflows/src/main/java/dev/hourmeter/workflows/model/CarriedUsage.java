package dev.hourmeter.workflows.model;

import java.time.Instant;

/**
 * Usage that could not go into its own period and was moved to a later one, so that it is still
 * billed.
 *
 * @param reason LATE (its period was already submitted), OVER_MAX (above 2,147,483,647 in one
 *     period), OUT_OF_WINDOW (its period left AWS's timestamp window before it could be sent)
 */
public record CarriedUsage(
    String dimension, long quantity, Instant fromPeriod, Instant toPeriod, String reason) {

  public static final String LATE = "LATE";
  public static final String OVER_MAX = "OVER_MAX";
  public static final String OUT_OF_WINDOW = "OUT_OF_WINDOW";
}
