package dev.hourmeter.devtools.bench;

import dev.hourmeter.activities.usage.UsageObservation;
import dev.hourmeter.activities.usage.UsageSource;
import dev.hourmeter.workflows.model.api.CustomerId;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The benchmark's usage with {@code --tag-sets N}: every customer used every dimension in every
 * period, N entries at the period start, each with its own tag set ({@code team=team-<k>}, {@code
 * env=prod}) and quantity k + 1, so each record carries N UsageAllocations.
 */
final class TaggedBenchUsage implements UsageSource {

  private final List<String> dimensions;
  private final int tagSets;

  TaggedBenchUsage(List<String> dimensions, int tagSets) {
    this.dimensions = List.copyOf(dimensions);
    this.tagSets = tagSets;
  }

  @Override
  public List<UsageObservation> usageBetween(
      String productCode, CustomerId customer, Instant fromInclusive, Instant toExclusive) {
    List<UsageObservation> usage = new ArrayList<>(dimensions.size() * tagSets);
    String license = customer.hasLicense() ? customer.licenseArn() : null;
    for (String dimension : dimensions) {
      for (int k = 0; k < tagSets; k++) {
        usage.add(
            new UsageObservation(
                productCode,
                customer.value(),
                dimension,
                java.math.BigDecimal.valueOf(k + 1L),
                fromInclusive,
                license,
                Map.of("team", "team-" + k, "env", "prod")));
      }
    }
    return usage;
  }

  @Override
  public String describe() {
    return "bench usage with " + tagSets + " tag sets";
  }
}
