package dev.hourmeter.workflows.state;

import dev.hourmeter.workflows.model.CarriedUsage;
import dev.hourmeter.workflows.model.PeriodUsage;
import dev.hourmeter.workflows.model.Quantities;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.function.Consumer;

/**
 * Usage waiting to be submitted, per period and dimension. A period is <em>sealed</em> when its
 * records are built; usage for a sealed period is never dropped: AWS keeps the first quantity of an
 * hour, so it is added to the oldest unsealed period instead and reported as carried. Quantities
 * are exact decimals, summed without rounding.
 */
public final class UsageBook {

  /**
   * Where an added quantity went. {@code carried} is true when it could not go into its own period.
   */
  public record Placement(Instant period, boolean carried) {}

  private final PeriodCalendar calendar;
  private final TreeMap<Instant, TreeMap<String, BigDecimal>> pending = new TreeMap<>();
  private final TreeMap<String, BigDecimal> overflow = new TreeMap<>();
  private final BoundedList<CarriedUsage> carried;
  private Instant sealedThrough;
  private Consumer<CarriedUsage> onCarried = c -> {};

  public UsageBook(PeriodCalendar calendar, Instant sealedThrough, int carriedKept) {
    this.calendar = calendar;
    this.sealedThrough = sealedThrough;
    this.carried = new BoundedList<>(carriedKept);
  }

  public static UsageBook restore(
      PeriodCalendar calendar,
      Instant sealedThrough,
      List<PeriodUsage> pending,
      Map<String, BigDecimal> overflow,
      List<CarriedUsage> carried,
      int carriedKept) {
    UsageBook book = new UsageBook(calendar, sealedThrough, carriedKept);
    for (PeriodUsage usage : pending) {
      book.pending.put(usage.periodStart(), new TreeMap<>(usage.quantities()));
    }
    book.overflow.putAll(overflow);
    carried.forEach(book.carried::add);
    return book;
  }

  /**
   * Adds usage observed in {@code period}; a sealed period's usage goes to the oldest unsealed one.
   */
  public Placement add(String dimension, BigDecimal quantity, Instant period) {
    if (!period.isAfter(sealedThrough)) {
      Instant target = oldestUnsealed();
      addTo(target, dimension, quantity);
      noteCarried(new CarriedUsage(dimension, quantity, period, target, CarriedUsage.LATE));
      return new Placement(target, true);
    }
    addTo(period, dimension, quantity);
    return new Placement(period, false);
  }

  /** Moves a whole unsealed period's usage to {@code target} (for example out of AWS's window). */
  public void carryForward(Instant from, Instant target, String reason) {
    TreeMap<String, BigDecimal> quantities = pending.remove(from);
    if (quantities == null) {
      return;
    }
    quantities.forEach(
        (dimension, quantity) -> {
          addTo(target, dimension, quantity);
          if (quantity.signum() > 0) {
            noteCarried(new CarriedUsage(dimension, quantity, from, target, reason));
          }
        });
  }

  /**
   * Carries a sealed period's record that AWS never billed (an outage) to the oldest unsealed
   * period, with {@code reason}; returns that period.
   */
  public Instant carryUnbilled(
      String dimension, BigDecimal quantity, Instant fromPeriod, String reason) {
    Instant target = oldestUnsealed();
    addTo(target, dimension, quantity);
    noteCarried(new CarriedUsage(dimension, quantity, fromPeriod, target, reason));
    return target;
  }

  /** Tells {@code listener} about every quantity carried from now on (for metrics). */
  public void onCarried(Consumer<CarriedUsage> listener) {
    this.onCarried = Objects.requireNonNull(listener, "listener");
  }

  private void noteCarried(CarriedUsage usage) {
    carried.add(usage);
    onCarried.accept(usage);
  }

  /** Whether outage-carried usage still waits in a period not submitted yet. */
  public boolean outageUsageWaiting() {
    return carried.items().stream()
        .anyMatch(c -> c.fromOutage() && c.toPeriod().isAfter(sealedThrough));
  }

  /** Seals a period: returns its usage and routes any later usage for it elsewhere. */
  public Map<String, BigDecimal> seal(Instant period) {
    TreeMap<String, BigDecimal> quantities = pending.remove(period);
    if (period.isAfter(sealedThrough)) {
      sealedThrough = period;
    }
    return quantities == null ? Map.of() : Map.copyOf(quantities);
  }

  /** Quantity billed above the per-record maximum, to add to the next record of the dimension. */
  public void addOverflow(String dimension, BigDecimal quantity, Instant fromPeriod) {
    if (quantity.signum() <= 0) {
      return;
    }
    overflow.merge(dimension, quantity, Quantities::add);
    noteCarried(
        new CarriedUsage(
            dimension, quantity, fromPeriod, calendar.next(fromPeriod), CarriedUsage.OVER_MAX));
  }

  /** Takes (and clears) the overflow waiting to be billed. */
  public Map<String, BigDecimal> takeOverflow() {
    Map<String, BigDecimal> taken = Map.copyOf(overflow);
    overflow.clear();
    return taken;
  }

  public Map<String, BigDecimal> pendingFor(Instant period) {
    TreeMap<String, BigDecimal> quantities = pending.get(period);
    return quantities == null ? Map.of() : Map.copyOf(quantities);
  }

  public Instant sealedThrough() {
    return sealedThrough;
  }

  /**
   * The oldest unsealed period holding usage (carried there), or the oldest unsealed one when only
   * an over-maximum remainder waits; null when no usage waits to be billed.
   */
  public Instant nextPeriodWithUsage() {
    for (Map.Entry<Instant, TreeMap<String, BigDecimal>> e : pending.entrySet()) {
      if (e.getKey().isAfter(sealedThrough)
          && e.getValue().values().stream().anyMatch(Quantities::positive)) {
        return e.getKey();
      }
    }
    return overflow.isEmpty() ? null : oldestUnsealed();
  }

  /** What {@code period} would bill now: its usage plus any over-maximum remainder. */
  public Map<String, BigDecimal> waitingIn(Instant period) {
    TreeMap<String, BigDecimal> waiting = new TreeMap<>(pendingFor(period));
    overflow.forEach((dimension, quantity) -> waiting.merge(dimension, quantity, Quantities::add));
    return waiting;
  }

  public Instant oldestUnsealed() {
    return calendar.next(sealedThrough);
  }

  public List<PeriodUsage> pending() {
    List<PeriodUsage> result = new ArrayList<>();
    pending.forEach((period, quantities) -> result.add(new PeriodUsage(period, quantities)));
    return result;
  }

  public List<Instant> pendingPeriodsAfter(Instant period) {
    return List.copyOf(pending.tailMap(period, false).keySet());
  }

  public Map<String, BigDecimal> overflow() {
    return Map.copyOf(overflow);
  }

  public List<CarriedUsage> carried() {
    return carried.items();
  }

  private void addTo(Instant period, String dimension, BigDecimal quantity) {
    pending
        .computeIfAbsent(period, p -> new TreeMap<>())
        .merge(dimension, quantity, Quantities::add);
  }
}
