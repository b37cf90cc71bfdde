package dev.hourmeter.workflows.model.activity;

import com.fasterxml.jackson.annotation.JsonInclude;
import dev.hourmeter.workflows.model.api.CustomerId;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * Gather a customer's usage in {@code [from, to)} from the configured usage source.
 *
 * @param lookbackFrom null (no earlier period collected recently), or also gather, as the source
 *     shows them now, the totals of each earlier period of length {@code period} starting in {@code
 *     [lookbackFrom, from)}: the workflow bills what was added to them since it collected them
 * @param period the period length, with {@code lookbackFrom}
 * @param predecessors licenses this customer took over: their usage from the hand-over on is
 *     gathered too (empty for most customers; left out of the JSON while empty)
 */
public record UsageQuery(
    String productCode,
    CustomerId customer,
    List<String> dimensions,
    Instant from,
    Instant to,
    Instant lookbackFrom,
    Duration period,
    @JsonInclude(JsonInclude.Include.NON_EMPTY) List<PredecessorLicense> predecessors) {

  public UsageQuery {
    dimensions = List.copyOf(dimensions);
    predecessors = predecessors == null ? List.of() : List.copyOf(predecessors);
  }

  public UsageQuery(
      String productCode,
      CustomerId customer,
      List<String> dimensions,
      Instant from,
      Instant to,
      Instant lookbackFrom,
      Duration period) {
    this(productCode, customer, dimensions, from, to, lookbackFrom, period, List.of());
  }

  /** The earlier periods asked for: none without a lookback. */
  public List<Instant> earlierPeriodStarts() {
    if (lookbackFrom == null || period == null || !period.isPositive()) {
      return List.of();
    }
    List<Instant> starts = new ArrayList<>();
    for (Instant p = lookbackFrom; p.isBefore(from); p = p.plus(period)) {
      starts.add(p);
    }
    return starts;
  }
}
