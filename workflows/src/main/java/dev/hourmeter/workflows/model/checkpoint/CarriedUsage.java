package dev.hourmeter.workflows.model.checkpoint;

import com.fasterxml.jackson.annotation.JsonInclude;
import dev.hourmeter.workflows.model.activity.UsageAllocation;
import dev.hourmeter.workflows.model.api.Quantities;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.List;

/**
 * Usage that could not go into its own period and was moved to a later one, so that it is still
 * billed.
 *
 * <p>{@code quantity} is exact (a whole quantity is written to JSON as the integer it always was).
 *
 * @param reason LATE (its period was already submitted), OVER_MAX (above a record's maximum in one
 *     period: 2,147,483,647, or 9,999,999,999.999999 for a quantity with a fraction), OUT_OF_WINDOW
 *     (its period left AWS's timestamp window before it could be sent), NOT_ACCEPTED (AWS certainly
 *     refused every attempt until the window closed, e.g. throttled), NOT_IN_CLOUDTRAIL (AWS's
 *     answer was lost and CloudTrail did not show the record)
 * @param allocations the tagged parts of {@code quantity}, which keep their tags where they go
 *     (optional, added for usage allocations; empty and not written when untagged)
 */
public record CarriedUsage(
    String dimension,
    BigDecimal quantity,
    Instant fromPeriod,
    Instant toPeriod,
    String reason,
    @JsonInclude(JsonInclude.Include.NON_EMPTY) List<UsageAllocation> allocations) {

  public CarriedUsage {
    quantity = Quantities.canonical(quantity);
    allocations = allocations == null ? List.of() : List.copyOf(allocations);
  }

  public CarriedUsage(
      String dimension, BigDecimal quantity, Instant fromPeriod, Instant toPeriod, String reason) {
    this(dimension, quantity, fromPeriod, toPeriod, reason, List.of());
  }

  public static final String LATE = "LATE";
  public static final String OVER_MAX = "OVER_MAX";
  public static final String OUT_OF_WINDOW = "OUT_OF_WINDOW";
  public static final String NOT_ACCEPTED = "NOT_ACCEPTED";
  public static final String NOT_IN_CLOUDTRAIL = "NOT_IN_CLOUDTRAIL";

  /** Whether this usage waits because of an AWS outage (flagged by {@code MeteringOutage}). */
  public boolean fromOutage() {
    return NOT_ACCEPTED.equals(reason) || NOT_IN_CLOUDTRAIL.equals(reason);
  }
}
