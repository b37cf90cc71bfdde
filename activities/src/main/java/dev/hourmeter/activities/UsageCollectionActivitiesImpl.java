package dev.hourmeter.activities;

import dev.hourmeter.activities.usage.DimensionTotal;
import dev.hourmeter.activities.usage.TimeRange;
import dev.hourmeter.activities.usage.UsageSource;
import dev.hourmeter.workflows.activities.UsageCollectionActivities;
import dev.hourmeter.workflows.model.activity.CollectedUsage;
import dev.hourmeter.workflows.model.activity.PredecessorLicense;
import dev.hourmeter.workflows.model.activity.UsageQuery;
import dev.hourmeter.workflows.model.checkpoint.PeriodUsage;
import dev.hourmeter.workflows.model.checkpoint.TaggedUsage;
import dev.hourmeter.workflows.state.UsageReportValidator;
import io.temporal.failure.ApplicationFailure;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.ArrayList;
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
 * ignoredEntries} the entries for other dimensions (the update's dimension rule, {@link
 * UsageReportValidator#dimensionProblem}; logged at WARN, never billed); {@code overLimitEntries}
 * the entries the source refused as above the per-entry limit (never billed). The workflow counts
 * both in {@code status}. With a lookback, also the totals of the earlier periods as the source
 * shows them now (one read of the source for all). A failing source fails the attempt with a
 * retryable {@code UsageSourceFailed} failure.
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
    List<Instant> earlier = query.earlierPeriodStarts();
    List<TimeRange> ranges = new ArrayList<>(earlier.size() + 1);
    ranges.add(new TimeRange(query.from(), query.to()));
    earlier.forEach(p -> ranges.add(new TimeRange(p, p.plus(query.period()))));
    List<Map<String, DimensionTotal>> totals;
    try {
      totals = source.totals(query.productCode(), query.customer(), ranges);
      for (PredecessorLicense predecessor : query.predecessors()) {
        totals = withPredecessor(query.productCode(), predecessor, ranges, totals);
      }
    } catch (RuntimeException e) {
      throw ApplicationFailure.newFailureWithCause(
          "usage source " + source.describe() + " failed: " + e.getMessage(),
          USAGE_SOURCE_FAILED,
          e);
    }
    Set<String> dimensions = Set.copyOf(query.dimensions());
    Map<String, DimensionTotal> current = totals.get(0);
    if (current == null) {
      log.warn(
          "usage product={} customer={} [{}, {}): the source {} no longer holds usage that old"
              + " (past its retention): reported as none",
          query.productCode(),
          query.customer().value(),
          query.from(),
          query.to(),
          source.describe());
      current = Map.of();
    }
    Map<String, BigDecimal> quantities = new TreeMap<>();
    List<TaggedUsage> tagged = new ArrayList<>();
    Set<String> ignoredDimensions = new TreeSet<>();
    int entries = 0;
    int ignored = 0;
    int overLimit = 0;
    for (Map.Entry<String, DimensionTotal> e : current.entrySet()) {
      overLimit += e.getValue().overLimit();
      if (e.getValue().entries() == 0) {
        continue; // only lines the source refused (over the per-entry limit)
      }
      if (UsageReportValidator.dimensionProblem(e.getKey(), dimensions, "dimension") != null) {
        ignored += e.getValue().entries();
        ignoredDimensions.add(e.getKey());
        continue;
      }
      entries += e.getValue().entries();
      quantities.put(e.getKey(), e.getValue().quantity());
      e.getValue()
          .tagged()
          .forEach((tags, q) -> tagged.add(new TaggedUsage(null, e.getKey(), tags, q)));
    }
    if (overLimit > 0) {
      log.warn(
          "usage product={} customer={} [{}, {}): {} entries above the per-entry limit not billed"
              + " (each logged by the source)",
          query.productCode(),
          query.customer().value(),
          query.from(),
          query.to(),
          overLimit);
    }
    if (ignored > 0) {
      log.warn(
          "usage product={} customer={} [{}, {}): ignored {} entries for dimensions {} not configured {}",
          query.productCode(),
          query.customer().value(),
          query.from(),
          query.to(),
          ignored,
          ignoredDimensions,
          dimensions);
    }
    List<PeriodUsage> earlierPeriods = new ArrayList<>();
    for (int i = 0; i < earlier.size(); i++) {
      Map<String, DimensionTotal> sums = totals.get(i + 1);
      if (sums != null) {
        earlierPeriods.add(new PeriodUsage(earlier.get(i), configured(sums, dimensions)));
      }
    }
    log.debug(
        "usage product={} customer={} [{}, {}): {} entries -> {}",
        query.productCode(),
        query.customer().value(),
        query.from(),
        query.to(),
        entries,
        quantities);
    return new CollectedUsage(quantities, entries, ignored, earlierPeriods, tagged, overLimit);
  }

  /**
   * Adds to each range's totals the usage the source names with a license this customer took over,
   * dated from the hand-over on (the part of a range before it was the old license's to bill).
   */
  private List<Map<String, DimensionTotal>> withPredecessor(
      String productCode,
      PredecessorLicense predecessor,
      List<TimeRange> ranges,
      List<Map<String, DimensionTotal>> totals) {
    List<Integer> asked = new ArrayList<>();
    List<TimeRange> clipped = new ArrayList<>();
    for (int i = 0; i < ranges.size(); i++) {
      TimeRange range = ranges.get(i);
      Instant from = range.from().isBefore(predecessor.from()) ? predecessor.from() : range.from();
      if (from.isBefore(range.to()) && totals.get(i) != null) {
        asked.add(i);
        clipped.add(new TimeRange(from, range.to()));
      }
    }
    if (clipped.isEmpty()) {
      return totals;
    }
    List<Map<String, DimensionTotal>> theirs =
        source.totals(productCode, predecessor.customer(), clipped);
    List<Map<String, DimensionTotal>> merged = new ArrayList<>(totals);
    for (int k = 0; k < asked.size(); k++) {
      Map<String, DimensionTotal> add = theirs.get(k);
      if (add == null || add.isEmpty()) {
        continue;
      }
      int i = asked.get(k);
      Map<String, DimensionTotal> sum = new TreeMap<>(merged.get(i));
      add.forEach((dimension, total) -> sum.merge(dimension, total, DimensionTotal::plus));
      merged.set(i, sum);
      log.info(
          "usage product={} of license {} taken over [{}, {}): {}",
          productCode,
          predecessor.customer().licenseArn(),
          clipped.get(k).from(),
          clipped.get(k).to(),
          add.keySet());
    }
    return merged;
  }

  private static Map<String, BigDecimal> configured(
      Map<String, DimensionTotal> sums, Set<String> dimensions) {
    Map<String, BigDecimal> quantities = new TreeMap<>();
    sums.forEach(
        (dimension, total) -> {
          if (dimensions.contains(dimension) && total.entries() > 0) {
            quantities.put(dimension, total.quantity());
          }
        });
    return quantities;
  }
}
