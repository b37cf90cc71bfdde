package dev.hourmeter.workflows.state;

import com.fasterxml.jackson.databind.JsonNode;
import dev.hourmeter.workflows.model.activity.EntitlementSnapshot;
import dev.hourmeter.workflows.model.activity.MeteringRecord;
import dev.hourmeter.workflows.model.api.CustomerId;
import dev.hourmeter.workflows.model.api.MeteringSubscription;
import dev.hourmeter.workflows.model.api.MeteringTuning;
import dev.hourmeter.workflows.model.api.Quantities;
import dev.hourmeter.workflows.model.api.RejectedReport;
import dev.hourmeter.workflows.model.api.UsageEntry;
import dev.hourmeter.workflows.model.api.UsageReceipt;
import dev.hourmeter.workflows.model.api.UsageReport;
import dev.hourmeter.workflows.model.checkpoint.CarriedUsage;
import dev.hourmeter.workflows.model.checkpoint.MeteringCheckpoint;
import dev.hourmeter.workflows.model.checkpoint.PeriodUsage;
import dev.hourmeter.workflows.model.checkpoint.TaggedUsage;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Usage on its way to a record: pushed reports (validated, applied once per id, refused ones kept)
 * and pulled usage, in the {@link UsageBook} until a period is sealed and planned into records.
 */
final class UsageLedger {

  private static final int REJECTED_KEPT = 50;
  private static final int CARRIED_KEPT = 50;

  private final MeteringSubscription subscription;
  private final PeriodCalendar calendar;
  private final Set<String> dimensions;
  private final UsageBook book;
  private final ReportMemory reports;
  private final BoundedList<RejectedReport> rejected = new BoundedList<>(REJECTED_KEPT);
  private final PulledTotals pulledTotals;

  private UsageLedger(
      MeteringSubscription subscription,
      UsageBook book,
      ReportMemory reports,
      PulledTotals pulledTotals) {
    this.subscription = subscription;
    this.pulledTotals = pulledTotals;
    this.calendar = new PeriodCalendar(subscription.period());
    this.dimensions = new LinkedHashSet<>(subscription.dimensions());
    this.book = book;
    this.reports = reports;
  }

  /** Nothing yet: usage is accepted from the {@code open} period on. */
  static UsageLedger fresh(MeteringSubscription subscription, Instant open) {
    PeriodCalendar calendar = new PeriodCalendar(subscription.period());
    return new UsageLedger(
        subscription,
        new UsageBook(calendar, calendar.previous(open), CARRIED_KEPT),
        new ReportMemory(subscription.tuning().maxRememberedReports(), List.of()),
        new PulledTotals(List.of()));
  }

  static UsageLedger restore(
      MeteringSubscription subscription, MeteringCheckpoint checkpoint, Instant now) {
    UsageBook book =
        UsageBook.restore(
            new PeriodCalendar(subscription.period()),
            checkpoint.sealedThrough(),
            checkpoint.pending(),
            checkpoint.overflow(),
            checkpoint.carried(),
            CARRIED_KEPT,
            checkpoint.taggedPending(),
            checkpoint.taggedOverflow());
    MeteringTuning tuning = subscription.tuning();
    UsageLedger ledger =
        new UsageLedger(
            subscription,
            book,
            new ReportMemory(tuning.maxRememberedReports(), checkpoint.rememberedReports()),
            new PulledTotals(checkpoint.fileTotals()));
    ledger.reports.forgetBefore(ledger.dedupHorizon(now));
    checkpoint.rejectedReports().forEach(ledger.rejected::add);
    return ledger;
  }

  /**
   * Reads and checks a pushed report now (read-only): its problems, or the report to {@link
   * #apply}. Beyond the validator: a known id with other content is a conflict, and a new id is
   * refused while the dedup memory is full.
   */
  UsageReportValidator.Result check(JsonNode json, Instant now, boolean ended) {
    UsageReportValidator.Result result =
        UsageReportValidator.check(
            json,
            new UsageReportValidator.Context(
                dimensions,
                now,
                dedupHorizon(now),
                now.plus(subscription.tuning().futureSkew()),
                ended,
                subscription.tuning().maxEntryQuantity()));
    if (!result.valid()) {
      return result;
    }
    String id = result.report().id();
    return switch (admission(result.report(), now)) {
      case CONFLICT ->
          UsageReportValidator.Result.refused(
              "conflict",
              "id: '"
                  + UsageJson.truncate(id)
                  + "' was already reported with different usage (conflict): nothing was"
                  + " added; send new usage under a new id");
      case FULL ->
          UsageReportValidator.Result.refused(
              "memory_full",
              "id: the dedup memory holds "
                  + reports.capacity()
                  + " report ids inside the dedup horizon, the most per customer: retry later"
                  + " (ids leave the memory as they age past the horizon), and batch usage into"
                  + " fewer reports (up to "
                  + UsageReportValidator.MAX_ENTRIES
                  + " entries each)");
      case NEW, DUPLICATE -> result;
    };
  }

  void reject(String reportId, Instant now, List<String> problems) {
    rejected.add(
        new RejectedReport(
            UsageJson.truncate(reportId), now, UsageReportValidator.summarize(problems)));
  }

  /**
   * Adds a checked report's usage once per report id; a repeated id changes nothing. Entries dated
   * at or after {@code divertFrom} (null: none) are not added but appended to {@code diverted},
   * stamped with their date; the report id is remembered all the same.
   */
  UsageReceipt apply(
      UsageReport report, Instant now, Instant divertFrom, List<UsageEntry> diverted) {
    if (admission(report, now) == ReportMemory.Admission.DUPLICATE) {
      return new UsageReceipt(report.id(), true, List.of(), false);
    }
    Set<Instant> periods = new TreeSet<>();
    boolean carried = false;
    for (UsageEntry entry : report.usage()) {
      Instant at =
          entry.timestamp() == null ? now : UsageReportValidator.parseTimestamp(entry.timestamp());
      if (divertFrom != null && !at.isBefore(divertFrom)) {
        diverted.add(
            new UsageEntry(entry.dimension(), entry.quantity(), at.toString(), entry.tags()));
        continue;
      }
      UsageBook.Placement placement =
          book.add(entry.dimension(), entry.quantity(), entry.tags(), calendar.periodStartOf(at));
      periods.add(placement.period());
      carried |= placement.carried();
    }
    reports.remember(report.id(), UsageJson.contentHash(report), now, dedupHorizon(now));
    return new UsageReceipt(report.id(), false, List.copyOf(periods), carried);
  }

  /**
   * Pulled usage of a closed period with its tagged parts ({@code tagged}, periodStart ignored), in
   * dimension order: each tagged part is added with its tags, the rest of the dimension's total
   * untagged; dimensions not metered are dropped.
   */
  private void addCollected(
      Instant period, Map<String, BigDecimal> quantities, List<TaggedUsage> tagged) {
    quantities.entrySet().stream()
        .sorted(Map.Entry.comparingByKey())
        .filter(e -> dimensions.contains(e.getKey()) && e.getValue().signum() > 0)
        .forEach(
            e -> {
              BigDecimal untagged = e.getValue();
              for (TaggedUsage part : tagged) {
                if (part.dimension().equals(e.getKey())
                    && part.quantity().signum() > 0
                    && part.quantity().compareTo(untagged) <= 0) {
                  book.add(e.getKey(), part.quantity(), part.tags(), period);
                  untagged = Quantities.add(untagged, part.quantity().negate());
                }
              }
              if (untagged.signum() > 0) {
                book.add(e.getKey(), untagged, period);
              }
            });
  }

  /** Where a collect of {@code period} looks back from to see late pulled usage (null: nowhere). */
  Instant pulledLookbackFrom(Instant period) {
    return pulledTotals.lookbackFrom(period, subscription.period());
  }

  /**
   * Pulled usage of a closed period, remembered, and what the source added since to the earlier
   * periods it was collected for: added to its period, carried as LATE when that one is sealed.
   * Returns every difference (a negative one is not un-billed: the caller logs it).
   */
  List<PulledTotals.Difference> addCollected(
      Instant period,
      Map<String, BigDecimal> quantities,
      List<PeriodUsage> earlierNow,
      List<TaggedUsage> tagged) {
    addCollected(period, quantities, tagged);
    List<PulledTotals.Difference> differences =
        pulledTotals.reconcile(
            earlierNow.stream().map(p -> new PeriodUsage(p.periodStart(), metered(p))).toList());
    differences.stream()
        .filter(PulledTotals.Difference::grew)
        .forEach(d -> book.add(d.dimension(), d.delta(), d.period()));
    pulledTotals.remember(period, metered(new PeriodUsage(period, quantities)));
    return differences;
  }

  private Map<String, BigDecimal> metered(PeriodUsage usage) {
    Map<String, BigDecimal> kept = new TreeMap<>();
    usage
        .quantities()
        .forEach(
            (d, q) -> {
              if (dimensions.contains(d) && q.signum() >= 0) {
                kept.put(d, q);
              }
            });
    return kept;
  }

  List<PeriodUsage> pulledTotals() {
    return pulledTotals.snapshot();
  }

  /** A period that left AWS's timestamp window unsent: its usage moves to the next one. */
  Instant carryOutOfWindow(Instant periodStart) {
    Instant target = calendar.next(periodStart);
    book.carryForward(periodStart, target, CarriedUsage.OUT_OF_WINDOW);
    book.seal(periodStart);
    return target;
  }

  /** A record AWS never billed (an outage) is carried to the oldest open period. */
  Instant carryUnbilled(
      dev.hourmeter.workflows.model.activity.MeteringRecord record, String reason) {
    return book.carryUnbilled(
        record.dimension(),
        record.exactQuantity(),
        record.usageAllocations(),
        record.timestamp(),
        reason);
  }

  /** Usage stamped after {@code period} (within the allowed skew) is billed with it. */
  void carryLaterInto(Instant period) {
    for (Instant later : book.pendingPeriodsAfter(period)) {
      book.carryForward(later, period, CarriedUsage.LATE);
    }
  }

  /**
   * Seals the period and builds its records; what exceeds a record's maximum waits for the next.
   */
  List<MeteringRecord> sealAndPlan(
      Instant periodStart, EntitlementSnapshot entitlements, CustomerId customer) {
    Map<String, BigDecimal> usage = book.seal(periodStart);
    RecordPlanner.Tagged tagged =
        new RecordPlanner.Tagged(book.lastSealedTags(), book.takeTaggedOverflow());
    RecordPlanner.Plan plan =
        RecordPlanner.plan(
            subscription, customer, periodStart, usage, book.takeOverflow(), entitlements, tagged);
    plan.overflow().entrySet().stream()
        .sorted(Map.Entry.comparingByKey())
        .forEach(
            e ->
                book.addOverflow(
                    e.getKey(),
                    e.getValue(),
                    plan.overflowParts().getOrDefault(e.getKey(), List.of()),
                    periodStart));
    return plan.records();
  }

  private ReportMemory.Admission admission(UsageReport report, Instant now) {
    return reports.admission(report.id(), UsageJson.contentHash(report), dedupHorizon(now));
  }

  UsageBook book() {
    return book;
  }

  ReportMemory reports() {
    return reports;
  }

  List<RejectedReport> rejected() {
    return rejected.items();
  }

  private Instant dedupHorizon(Instant now) {
    return now.minus(
        subscription.period().multipliedBy(subscription.tuning().dedupHorizonPeriods()));
  }
}
