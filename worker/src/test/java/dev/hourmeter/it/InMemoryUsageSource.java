package dev.hourmeter.it;

import dev.hourmeter.activities.usage.UsageObservation;
import dev.hourmeter.activities.usage.UsageSource;
import dev.hourmeter.workflows.model.api.CustomerId;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/** A usage source the test fills in, standing for a seller's usage database. */
final class InMemoryUsageSource implements UsageSource {

  private final List<UsageObservation> observations = new CopyOnWriteArrayList<>();

  void add(UsageObservation observation) {
    observations.add(observation);
  }

  @Override
  public List<UsageObservation> usageBetween(
      String productCode, CustomerId customer, Instant fromInclusive, Instant toExclusive) {
    return observations.stream()
        .filter(o -> o.productCode().equals(productCode) && o.customer().equals(customer.value()))
        .filter(o -> !o.timestamp().isBefore(fromInclusive) && o.timestamp().isBefore(toExclusive))
        .toList();
  }
}
