package dev.hourmeter.activities.usage;

import dev.hourmeter.workflows.model.api.CustomerId;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * Where a worker gets usage from. Implementations must be thread-safe (activities run concurrently)
 * and may throw a runtime exception when the source is unavailable: the activity then fails with a
 * retryable failure.
 */
public interface UsageSource {

  /**
   * Usage entries of {@code customer} for {@code productCode} with {@code fromInclusive <=
   * timestamp < toExclusive}. May return entries of any dimension: the caller keeps the configured
   * ones.
   */
  List<UsageObservation> usageBetween(
      String productCode, CustomerId customer, Instant fromInclusive, Instant toExclusive);

  /**
   * The usage of {@code customer} for {@code productCode} in each of {@code ranges}, summed per
   * dimension (any dimension), in the order of {@code ranges}, all as of one moment of the source.
   * An element is null when the source can no longer answer for that range in full (for example it
   * has forgotten entries that old). The default sums {@link #usageBetween} per range.
   */
  default List<Map<String, DimensionTotal>> totals(
      String productCode, CustomerId customer, List<TimeRange> ranges) {
    List<Map<String, DimensionTotal>> result = new ArrayList<>(ranges.size());
    for (TimeRange range : ranges) {
      Map<String, DimensionTotal> sums = new TreeMap<>();
      for (UsageObservation o : usageBetween(productCode, customer, range.from(), range.to())) {
        // Defensive: a source may be sloppy about its filter.
        if (o == null
            || !productCode.equals(o.productCode())
            || !customer.value().equals(o.customer())
            || !Objects.equals(o.licenseArn(), customer.hasLicense() ? customer.licenseArn() : null)
            || o.dimension() == null
            || o.timestamp() == null
            || !range.contains(o.timestamp())
            || o.quantity() == null
            || o.quantity().signum() < 0) {
          continue;
        }
        sums.merge(o.dimension(), DimensionTotal.of(o), DimensionTotal::plus);
      }
      result.add(sums);
    }
    return result;
  }

  /** What this source is, for logs. */
  default String describe() {
    return getClass().getSimpleName();
  }
}
