package dev.hourmeter.workflows.model.activity;

import com.fasterxml.jackson.annotation.JsonInclude;
import dev.hourmeter.workflows.model.api.Quantities;
import dev.hourmeter.workflows.model.checkpoint.PeriodUsage;
import dev.hourmeter.workflows.model.checkpoint.TaggedUsage;
import java.math.BigDecimal;
import java.util.List;
import java.util.Map;

/**
 * Usage a source reported for one period, summed per configured dimension. {@code ignoredEntries}
 * counts entries for dimensions the customer is not metered on (logged by the activity, never
 * billed). Quantities are exact (whole ones are written as the integers they always were). {@code
 * earlierPeriods}: the totals of the earlier periods the query looked back on, as the source shows
 * them now (empty without a lookback; a period the source can no longer answer for in full is left
 * out). {@code tagged} (optional, added for usage allocations; not written when empty): the tagged
 * parts of {@code quantities}, one per dimension and tag set ({@code periodStart} null). {@code
 * overLimitEntries} (added in issue 19: absent, 0, in older results, and not written when 0): the
 * entries in the range the source refused as above the per-entry quantity limit (logged by it,
 * never billed).
 */
public record CollectedUsage(
    Map<String, BigDecimal> quantities,
    int entries,
    int ignoredEntries,
    List<PeriodUsage> earlierPeriods,
    @JsonInclude(JsonInclude.Include.NON_EMPTY) List<TaggedUsage> tagged,
    @JsonInclude(JsonInclude.Include.NON_DEFAULT) int overLimitEntries) {

  public CollectedUsage {
    quantities = Quantities.copy(quantities);
    earlierPeriods = earlierPeriods == null ? List.of() : List.copyOf(earlierPeriods);
    tagged = tagged == null ? List.of() : List.copyOf(tagged);
  }

  public CollectedUsage(
      Map<String, BigDecimal> quantities,
      int entries,
      int ignoredEntries,
      List<PeriodUsage> earlierPeriods,
      List<TaggedUsage> tagged) {
    this(quantities, entries, ignoredEntries, earlierPeriods, tagged, 0);
  }

  public CollectedUsage(
      Map<String, BigDecimal> quantities,
      int entries,
      int ignoredEntries,
      List<PeriodUsage> earlierPeriods) {
    this(quantities, entries, ignoredEntries, earlierPeriods, List.of());
  }

  public static CollectedUsage none() {
    return new CollectedUsage(Map.of(), 0, 0, List.of());
  }
}
