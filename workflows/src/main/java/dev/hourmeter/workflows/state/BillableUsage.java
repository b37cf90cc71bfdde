package dev.hourmeter.workflows.state;

import dev.hourmeter.workflows.model.activity.EntitlementSnapshot;
import dev.hourmeter.workflows.model.activity.MeteringRecord;
import dev.hourmeter.workflows.model.api.MeteringCounters;
import dev.hourmeter.workflows.model.api.Quantities;
import dev.hourmeter.workflows.model.checkpoint.CarriedUsage;
import dev.hourmeter.workflows.model.checkpoint.PeriodUsage;
import dev.hourmeter.workflows.model.checkpoint.TaggedUsage;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Consumer;

/**
 * Usage on its way to records, as the backlog pass sees it: the open period closed at unsubscribe,
 * pulled usage collected per closed period, a period sealed into records (carrying the identity of
 * that period), and usage moved to a later period when it cannot be billed in its own.
 */
public final class BillableUsage implements UsageCarrier {

  private final UsageLedger ledger;
  private final PeriodBacklog backlog;
  private final PeriodCalendar calendar;
  private final IdentityHistory identities;
  private final Tally counters;

  BillableUsage(
      UsageLedger ledger,
      PeriodBacklog backlog,
      PeriodCalendar calendar,
      IdentityHistory identities,
      Tally counters) {
    this.ledger = ledger;
    this.backlog = backlog;
    this.calendar = calendar;
    this.identities = identities;
    this.counters = counters;
    identities.sealedThrough(() -> ledger.book().sealedThrough());
  }

  /**
   * Counts pulled entries the source reported but that are never billed: of a dimension the
   * customer is not metered on, and above the per-entry limit (visible in {@code status}).
   */
  public void countPulledNotBilled(int unknownDimension, int overLimit) {
    counters.add(
        c ->
            c.plusPulledNotBilled(MeteringCounters.UNKNOWN_DIMENSION, unknownDimension)
                .plusPulledNotBilled(MeteringCounters.OVER_LIMIT, overLimit));
  }

  /** When the period starting at {@code periodStart} ends. */
  public Instant periodEnd(Instant periodStart) {
    return calendar.next(periodStart);
  }

  /**
   * Unsubscribe: closes every period up to and including the open one, and moves usage stamped
   * slightly in the future (within the allowed skew) into it. Returns the open period's start.
   */
  public Instant closeThroughOpenPeriod(Instant now) {
    backlog.closeEnded(now);
    Instant current = calendar.periodStartOf(now);
    backlog.closeThrough(current);
    ledger.carryLaterInto(current);
    return current;
  }

  /** Where a collect of {@code period} looks back from to see late pulled usage (null: nowhere). */
  public Instant pulledLookbackFrom(Instant period) {
    return ledger.pulledLookbackFrom(period);
  }

  /**
   * Pulled usage of a closed period, with its tagged parts, plus what the source added since to
   * earlier collected periods (billed once, carried as LATE when their period is sealed); returns
   * the differences seen. Dimensions not metered are dropped.
   */
  public List<PulledTotals.Difference> addCollected(
      Instant period,
      Map<String, BigDecimal> quantities,
      List<PeriodUsage> earlierNow,
      List<TaggedUsage> tagged) {
    return ledger.addCollected(period, quantities, earlierNow, tagged);
  }

  /**
   * Seals the period and builds its records, carrying the identity of that period; what exceeds a
   * record's maximum waits for the next.
   */
  public List<MeteringRecord> sealAndPlan(Instant periodStart, EntitlementSnapshot entitlements) {
    return ledger.sealAndPlan(periodStart, entitlements, identities.customerFor(periodStart));
  }

  /** A period that left AWS's timestamp window unsent: its usage moves to the next one. */
  public Instant carryOutOfWindow(Instant periodStart) {
    return ledger.carryOutOfWindow(periodStart);
  }

  /** A record an AWS outage kept from being billed: its usage moves to the oldest open period. */
  @Override
  public Instant carryUnbilled(MeteringRecord record, String reason) {
    return ledger.carryUnbilled(record, reason);
  }

  /**
   * After the final flush: the period usage still waits in (carried there by an outage, or an
   * over-maximum remainder), null when none does.
   */
  public Instant leftoverPeriod() {
    return ledger.book().nextPeriodWithUsage();
  }

  /** The usage {@code period} would bill now (its own plus any over-maximum remainder). */
  public Map<String, BigDecimal> pendingIn(Instant period) {
    return ledger.book().waitingIn(period);
  }

  /**
   * Every quantity not billed yet, per dimension: the usage of every unsealed period (the open one,
   * closed ones waiting, carried usage) plus any over-maximum remainder. Pulled usage counts only
   * once collected.
   */
  public Map<String, BigDecimal> unbilled() {
    Map<String, BigDecimal> total = new TreeMap<>(ledger.book().overflow());
    for (PeriodUsage period : ledger.book().pending()) {
      period.quantities().forEach((dimension, q) -> total.merge(dimension, q, Quantities::add));
    }
    total.values().removeIf(q -> !Quantities.positive(q));
    return total;
  }

  /** Tells {@code listener} about every quantity carried to a later period (for metrics). */
  public void onCarried(Consumer<CarriedUsage> listener) {
    ledger.book().onCarried(listener);
  }
}
