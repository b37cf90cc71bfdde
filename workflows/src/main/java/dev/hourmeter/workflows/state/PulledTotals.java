package dev.hourmeter.workflows.state;

import dev.hourmeter.workflows.model.api.Quantities;
import dev.hourmeter.workflows.model.checkpoint.PeriodUsage;
import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The pulled totals the workflow took for its last {@value #PERIODS_KEPT} collected periods, per
 * dimension. At each collect the source shows those periods again: what it shows beyond what was
 * taken arrived late (a line completed after the close, a line stamped in a collected period) and
 * is billed once; what it shows below (a file rotated away before a worker restart) is never
 * un-billed. Kept in the workflow, not the worker, so a worker restart re-reading the whole file
 * bills nothing twice.
 */
public final class PulledTotals {

  static final int PERIODS_KEPT = 24;

  /** A period's total now differs from the one taken, by {@code delta} (either sign). */
  public record Difference(Instant period, String dimension, BigDecimal delta) {

    public boolean grew() {
      return delta.signum() > 0;
    }
  }

  private final TreeMap<Instant, TreeMap<String, BigDecimal>> taken = new TreeMap<>();

  PulledTotals(List<PeriodUsage> restored) {
    restored.forEach(p -> taken.put(p.periodStart(), new TreeMap<>(p.quantities())));
  }

  /** Where to look back from when collecting {@code period}: null when nothing was taken yet. */
  Instant lookbackFrom(Instant period, Duration length) {
    Instant earliest = period.minus(length.multipliedBy(PERIODS_KEPT));
    Map.Entry<Instant, TreeMap<String, BigDecimal>> oldest = taken.ceilingEntry(earliest);
    return oldest == null || !oldest.getKey().isBefore(period) ? null : oldest.getKey();
  }

  /**
   * Compares the totals shown now with those taken (periods not taken are skipped: collected before
   * this was kept), remembers the larger, and returns every difference in period and dimension
   * order.
   */
  List<Difference> reconcile(List<PeriodUsage> shownNow) {
    List<Difference> differences = new ArrayList<>();
    for (PeriodUsage shown : shownNow) {
      TreeMap<String, BigDecimal> before = taken.get(shown.periodStart());
      if (before == null) {
        continue;
      }
      new TreeMap<>(shown.quantities())
          .forEach(
              (dimension, quantity) -> {
                BigDecimal was = before.getOrDefault(dimension, BigDecimal.ZERO);
                int comparison = quantity.compareTo(was);
                if (comparison != 0) {
                  differences.add(
                      new Difference(
                          shown.periodStart(),
                          dimension,
                          Quantities.canonical(quantity.subtract(was))));
                }
                if (comparison > 0) {
                  before.put(dimension, quantity);
                }
              });
      before.forEach(
          (dimension, was) -> {
            if (was.signum() > 0 && !shown.quantities().containsKey(dimension)) {
              differences.add(new Difference(shown.periodStart(), dimension, was.negate()));
            }
          });
    }
    return differences;
  }

  /** Remembers what was taken for {@code period}; only the last {@value #PERIODS_KEPT} stay. */
  void remember(Instant period, Map<String, BigDecimal> quantities) {
    taken.merge(
        period,
        new TreeMap<>(quantities),
        (a, b) -> {
          b.forEach((d, q) -> a.merge(d, q, BigDecimal::max));
          return a;
        });
    while (taken.size() > PERIODS_KEPT) {
      taken.pollFirstEntry();
    }
  }

  List<PeriodUsage> snapshot() {
    List<PeriodUsage> result = new ArrayList<>(taken.size());
    taken.forEach((period, quantities) -> result.add(new PeriodUsage(period, quantities)));
    return result;
  }
}
