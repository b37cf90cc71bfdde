package dev.hourmeter.workflows.model;

import java.time.Instant;
import java.util.List;

/** Gather a customer's usage in {@code [from, to)} from the configured usage source. */
public record UsageQuery(
    String productCode, CustomerId customer, List<String> dimensions, Instant from, Instant to) {

  public UsageQuery {
    dimensions = List.copyOf(dimensions);
  }
}
