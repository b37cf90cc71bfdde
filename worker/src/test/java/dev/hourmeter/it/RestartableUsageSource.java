package dev.hourmeter.it;

import dev.hourmeter.activities.usage.DimensionTotal;
import dev.hourmeter.activities.usage.JsonLinesUsageSource;
import dev.hourmeter.activities.usage.TimeRange;
import dev.hourmeter.activities.usage.UsageObservation;
import dev.hourmeter.activities.usage.UsageSource;
import dev.hourmeter.workflows.model.api.CustomerId;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * The worker's file source, which a test can {@link #restart}: a new source instance, as a new
 * worker process builds, reads the whole file again into a fresh index.
 */
final class RestartableUsageSource implements UsageSource {

  private final Path file;
  private volatile JsonLinesUsageSource current;

  RestartableUsageSource(Path file) {
    this.file = file;
    this.current = new JsonLinesUsageSource(file);
  }

  void restart() {
    JsonLinesUsageSource old = current;
    current = new JsonLinesUsageSource(file);
    old.close();
  }

  @Override
  public List<UsageObservation> usageBetween(
      String productCode, CustomerId customer, Instant fromInclusive, Instant toExclusive) {
    return current.usageBetween(productCode, customer, fromInclusive, toExclusive);
  }

  @Override
  public List<Map<String, DimensionTotal>> totals(
      String productCode, CustomerId customer, List<TimeRange> ranges) {
    return current.totals(productCode, customer, ranges);
  }
}
