package dev.hourmeter.workflows.state;

import dev.hourmeter.workflows.model.activity.UsageAllocation;
import dev.hourmeter.workflows.model.api.Quantities;
import dev.hourmeter.workflows.model.checkpoint.CarriedUsage;
import dev.hourmeter.workflows.model.checkpoint.PeriodUsage;
import dev.hourmeter.workflows.model.checkpoint.TaggedUsage;
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
 * are exact decimals, summed without rounding. The tagged parts of the usage live beside it in a
 * {@link TagBook} and move with it (carried usage keeps its tags).
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
  private TagBook tags = new TagBook();
  private Instant sealedThrough;
  private Map<String, List<UsageAllocation>> lastSealedTags = Map.of();
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
      int carriedKept,
      List<TaggedUsage> taggedPending,
      List<TaggedUsage> taggedOverflow) {
    UsageBook book = new UsageBook(calendar, sealedThrough, carriedKept);
    book.tags = TagBook.restore(taggedPending, taggedOverflow);
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
    return add(dimension, quantity, Map.of(), period);
  }

  /**
   * Adds usage labelled with {@code tags} (empty: untagged). When the tag memory is full, usage
   * with a new tag set is kept untagged ({@link TagBook#MAX_BYTES}).
   */
  public Placement add(
      String dimension, BigDecimal quantity, Map<String, String> usageTags, Instant period) {
    boolean late = !period.isAfter(sealedThrough);
    Instant target = late ? oldestUnsealed() : period;
    addTo(target, dimension, quantity);
    boolean tagged = tags.add(target, dimension, usageTags, quantity);
    if (late) {
      noteCarried(
          new CarriedUsage(
              dimension,
              quantity,
              period,
              target,
              CarriedUsage.LATE,
              tagged ? List.of(new UsageAllocation(quantity, usageTags)) : List.of()));
    }
    return new Placement(target, late);
  }

  /** Moves a whole unsealed period's usage to {@code target} (for example out of AWS's window). */
  public void carryForward(Instant from, Instant target, String reason) {
    TreeMap<String, BigDecimal> quantities = pending.remove(from);
    Map<String, List<UsageAllocation>> parts = tags.take(from);
    if (quantities == null) {
      return;
    }
    quantities.forEach(
        (dimension, quantity) -> {
          addTo(target, dimension, quantity);
          List<UsageAllocation> tagged = parts.getOrDefault(dimension, List.of());
          tags.addAll(target, dimension, tagged);
          if (quantity.signum() > 0) {
            noteCarried(new CarriedUsage(dimension, quantity, from, target, reason, tagged));
          }
        });
  }

  /**
   * Takes (and clears) an unsealed period's usage, each dimension's total with its tagged parts
   * (which sum to at most the total): usage that is no longer this customer's to bill.
   */
  public Map<String, Map.Entry<BigDecimal, List<UsageAllocation>>> take(Instant period) {
    TreeMap<String, BigDecimal> quantities = pending.remove(period);
    Map<String, List<UsageAllocation>> parts = tags.take(period);
    Map<String, Map.Entry<BigDecimal, List<UsageAllocation>>> taken = new TreeMap<>();
    if (quantities != null) {
      quantities.forEach(
          (dimension, quantity) ->
              taken.put(dimension, Map.entry(quantity, parts.getOrDefault(dimension, List.of()))));
    }
    return taken;
  }

  /**
   * Carries a sealed period's record that AWS never billed (an outage) to the oldest unsealed
   * period, with {@code reason}; returns that period.
   */
  public Instant carryUnbilled(
      String dimension, BigDecimal quantity, Instant fromPeriod, String reason) {
    return carryUnbilled(dimension, quantity, List.of(), fromPeriod, reason);
  }

  /** {@link #carryUnbilled} of a record with allocations: the tagged ones keep their tags. */
  public Instant carryUnbilled(
      String dimension,
      BigDecimal quantity,
      List<UsageAllocation> allocations,
      Instant fromPeriod,
      String reason) {
    Instant target = oldestUnsealed();
    addTo(target, dimension, quantity);
    List<UsageAllocation> tagged = allocations.stream().filter(UsageAllocation::tagged).toList();
    tags.addAll(target, dimension, tagged);
    noteCarried(new CarriedUsage(dimension, quantity, fromPeriod, target, reason, tagged));
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
    lastSealedTags = tags.take(period);
    TreeMap<String, BigDecimal> quantities = pending.remove(period);
    if (period.isAfter(sealedThrough)) {
      sealedThrough = period;
    }
    return quantities == null ? Map.of() : Map.copyOf(quantities);
  }

  /** The tagged parts of the period {@link #seal} returned last, per dimension. */
  public Map<String, List<UsageAllocation>> lastSealedTags() {
    return lastSealedTags;
  }

  /** Quantity billed above the per-record maximum, to add to the next record of the dimension. */
  public void addOverflow(String dimension, BigDecimal quantity, Instant fromPeriod) {
    addOverflow(dimension, quantity, List.of(), fromPeriod);
  }

  /** {@link #addOverflow} with the remainder's tagged parts, which keep their tags. */
  public void addOverflow(
      String dimension, BigDecimal quantity, List<UsageAllocation> parts, Instant fromPeriod) {
    if (quantity.signum() <= 0) {
      return;
    }
    overflow.merge(dimension, quantity, Quantities::add);
    List<UsageAllocation> tagged = parts.stream().filter(UsageAllocation::tagged).toList();
    tags.addOverflow(dimension, tagged);
    noteCarried(
        new CarriedUsage(
            dimension,
            quantity,
            fromPeriod,
            calendar.next(fromPeriod),
            CarriedUsage.OVER_MAX,
            tagged));
  }

  /** Takes (and clears) the overflow waiting to be billed. */
  public Map<String, BigDecimal> takeOverflow() {
    Map<String, BigDecimal> taken = Map.copyOf(overflow);
    overflow.clear();
    return taken;
  }

  /** Takes (and clears) the tagged parts of the overflow; call with {@link #takeOverflow}. */
  public Map<String, List<UsageAllocation>> takeTaggedOverflow() {
    return tags.takeOverflow();
  }

  /** The tagged parts of the pending usage and of the overflow, for the checkpoint. */
  public List<TaggedUsage> taggedPending() {
    return tags.pendingSnapshot();
  }

  public List<TaggedUsage> taggedOverflow() {
    return tags.overflowSnapshot();
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
