package dev.hourmeter.activities;

import dev.hourmeter.activities.usage.UsageObservation;
import dev.hourmeter.activities.usage.UsageSource;
import dev.hourmeter.workflows.activities.UsageCollectionActivities;
import dev.hourmeter.workflows.model.CollectedUsage;
import dev.hourmeter.workflows.model.Quantities;
import dev.hourmeter.workflows.model.UsageQuery;
import io.temporal.failure.ApplicationFailure;
import java.math.BigDecimal;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sums the usage a {@link UsageSource} reports for the query's customer and product in {@code
 * [from, to)}, per configured dimension. {@code entries} counts the entries summed; {@code
 * ignoredEntries} the entries for other dimensions (logged at WARN, never billed). A failing source
 * fails the attempt with a retryable {@code UsageSourceFailed} failure.
 */
public final class UsageCollectionActivitiesImpl implements UsageCollectionActivities {

  static final String USAGE_SOURCE_FAILED = "UsageSourceFailed";

  private static final Logger log = LoggerFactory.getLogger(UsageCollectionActivitiesImpl.class);

  private final UsageSource source;

  public UsageCollectionActivitiesImpl(UsageSource source) {
    this.source = Objects.requireNonNull(source, "source");
  }

  @Override
  public CollectedUsage collectUsage(UsageQuery query) {
    Objects.requireNonNull(query, "query");
    List<UsageObservation> observations;
    try {
      observations =
          source.usageBetween(query.productCode(), query.customer(), query.from(), query.to());
    } catch (RuntimeException e) {
      throw ApplicationFailure.newFailureWithCause(
          "usage source " + source.describe() + " failed: " + e.getMessage(),
          USAGE_SOURCE_FAILED,
          e);
    }
    Set<String> dimensions = Set.copyOf(query.dimensions());
    String customer = query.customer().value();
    Map<String, BigDecimal> quantities = new TreeMap<>();
    Set<String> ignoredDimensions = new TreeSet<>();
    int entries = 0;
    int ignored = 0;
    for (UsageObservation o : observations) {
      // Defensive: a source may be sloppy about its filter.
      if (o == null
          || !query.productCode().equals(o.productCode())
          || !customer.equals(o.customer())
          || o.timestamp() == null
          || o.timestamp().isBefore(query.from())
          || !o.timestamp().isBefore(query.to())
          || o.quantity() == null
          || o.quantity().signum() < 0) {
        continue;
      }
      if (!dimensions.contains(o.dimension())) {
        ignored++;
        ignoredDimensions.add(String.valueOf(o.dimension()));
        continue;
      }
      entries++;
      quantities.merge(o.dimension(), o.quantity(), Quantities::add);
    }
    if (ignored > 0) {
      log.warn(
          "usage product={} customer={} [{}, {}): ignored {} entries for dimensions {} not configured {}",
          query.productCode(),
          customer,
          query.from(),
          query.to(),
          ignored,
          ignoredDimensions,
          dimensions);
    }
    log.debug(
        "usage product={} customer={} [{}, {}): {} entries -> {}",
        query.productCode(),
        customer,
        query.from(),
        query.to(),
        entries,
        quantities);
    return new CollectedUsage(quantities, entries, ignored);
  }
}
