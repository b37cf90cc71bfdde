package dev.hourmeter.workflows.state;

import com.fasterxml.jackson.databind.JsonNode;
import dev.hourmeter.workflows.model.CarriedUsage;
import dev.hourmeter.workflows.model.CustomerId;
import dev.hourmeter.workflows.model.EntitlementSnapshot;
import dev.hourmeter.workflows.model.IdentityChange;
import dev.hourmeter.workflows.model.MeteringCheckpoint;
import dev.hourmeter.workflows.model.MeteringCounters;
import dev.hourmeter.workflows.model.MeteringRecord;
import dev.hourmeter.workflows.model.MeteringState;
import dev.hourmeter.workflows.model.MeteringStatus;
import dev.hourmeter.workflows.model.MeteringSubscription;
import dev.hourmeter.workflows.model.MeteringTuning;
import dev.hourmeter.workflows.model.PeriodUsage;
import dev.hourmeter.workflows.model.Quantities;
import dev.hourmeter.workflows.model.ReceiptStatus;
import dev.hourmeter.workflows.model.RecordResult;
import dev.hourmeter.workflows.model.RecordStatus;
import dev.hourmeter.workflows.model.RejectedReport;
import dev.hourmeter.workflows.model.SubmittedRecord;
import dev.hourmeter.workflows.model.TaggedUsage;
import dev.hourmeter.workflows.model.UsageReceipt;
import dev.hourmeter.workflows.model.UsageReport;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Consumer;

/**
 * Everything one customer's workflow knows, in one place: restored from and saved to the {@link
 * MeteringCheckpoint} that continue-as-new carries, and shown as the {@link MeteringStatus} view.
 * Pure (time is passed in, no Temporal calls) and iterated in a fixed order, so the workflow stays
 * deterministic. Its parts: the {@link PeriodBacklog}, the {@link UsageLedger}, the {@link
 * RecentSubmissions} and the {@link VerificationQueue}; the few request flags that are not carried
 * are marked as such. (Above ~350 lines: the checkpoint and status builders, with their byte
 * budget, stay next to the state they read.)
 */
public final class CustomerState {

  private final MeteringSubscription subscription;
  private final PeriodCalendar calendar;

  // Carried across continue-as-new.
  private MeteringState state = MeteringState.ACTIVE;
  private String stateReason = "";
  private final PeriodBacklog backlog;
  private final UsageLedger usage;
  private final RecentSubmissions recent;
  private final VerificationQueue verifications;
  private MeteringCounters counters = MeteringCounters.ZERO;
  private final IdentityHistory identities;

  /** The last entitlement check, reused while {@link EntitlementSnapshot#reusableAt} allows. */
  private EntitlementSnapshot lastEntitlements;

  // This run only.
  private Instant nextCloseAt;
  private String lastSubmission = "none yet";
  private boolean unsubscribeRequested;
  private boolean entitlementRecheckRequested;

  private final RunLimits runLimits;
  private PayloadBudget.Fitted<MeteringCheckpoint> lastCheckpointFit;
  private final TimestampWindowRule windowRule;

  private CustomerState(
      MeteringSubscription subscription,
      PeriodBacklog backlog,
      UsageLedger usage,
      MeteringCheckpoint checkpoint) {
    this.subscription = subscription;
    this.calendar = new PeriodCalendar(subscription.period());
    this.backlog = backlog;
    this.usage = usage;
    this.recent =
        new RecentSubmissions(
            subscription.tuning().recentPeriodsKept(),
            checkpoint == null ? List.of() : checkpoint.recentRecords());
    this.verifications =
        new VerificationQueue(checkpoint == null ? List.of() : checkpoint.verifications());
    this.runLimits = new RunLimits(subscription.tuning());
    this.identities =
        new IdentityHistory(
            subscription.customer(), checkpoint == null ? List.of() : checkpoint.identityChanges());
    MeteringTuning tuning = subscription.tuning();
    this.windowRule =
        new TimestampWindowRule(tuning.windowOf(subscription.period()), tuning.windowSafety());
  }

  /** A new customer (checkpoint null: the open period is the first), or the next run's state. */
  public static CustomerState fromCheckpoint(
      MeteringSubscription subscription, MeteringCheckpoint checkpoint, Instant now) {
    PeriodCalendar calendar = new PeriodCalendar(subscription.period());
    MeteringTuning tuning = subscription.tuning();
    if (checkpoint == null) {
      Instant open = calendar.periodStartOf(now);
      return new CustomerState(
          subscription,
          new PeriodBacklog(calendar, tuning.grace(), open, List.of()),
          UsageLedger.fresh(subscription, open),
          null);
    }
    CustomerState s =
        new CustomerState(
            subscription,
            new PeriodBacklog(
                calendar, tuning.grace(), checkpoint.nextPeriodToClose(), checkpoint.backlog()),
            UsageLedger.restore(subscription, checkpoint, now),
            checkpoint);
    s.state = checkpoint.state();
    s.stateReason = checkpoint.stateReason();
    s.counters = checkpoint.counters().plusRun();
    s.lastEntitlements = checkpoint.entitlements();
    return s;
  }

  /**
   * The checkpoint, within {@link PayloadBudget#CHECKPOINT_BYTES}: over it, the oldest rejected
   * reports and recent records are left out ({@link #lastCheckpointFit} says how many).
   */
  public MeteringCheckpoint toCheckpoint() {
    UsageBook book = usage.book();
    List<RejectedReport> rejected = usage.rejected();
    List<SubmittedRecord> recentRecords = recent.records();
    List<CarriedUsage> carried = book.carried();
    lastCheckpointFit =
        PayloadBudget.fit(
            PayloadBudget.CHECKPOINT_BYTES,
            PayloadBudget.Limits.all(rejected.size(), recentRecords.size(), carried.size()),
            keep ->
                new MeteringCheckpoint(
                    state,
                    stateReason,
                    backlog.nextPeriodToClose(),
                    book.sealedThrough(),
                    backlog.periods(),
                    book.pending(),
                    book.overflow(),
                    usage.reports().snapshot(),
                    keep.keepRejected(rejected),
                    keep.keepCarried(carried),
                    keep.keepRecent(recentRecords),
                    verifications.tasks(),
                    counters,
                    lastEntitlements,
                    usage.pulledTotals(),
                    identities.changes(),
                    book.taggedPending(),
                    book.taggedOverflow()));
    return lastCheckpointFit.value();
  }

  /** The size of the last checkpoint built and what it left out. */
  public PayloadBudget.Fitted<MeteringCheckpoint> lastCheckpointFit() {
    return lastCheckpointFit;
  }

  /** The {@code status} answer, within {@link PayloadBudget#STATUS_BYTES} (see {@code omitted}). */
  public MeteringStatus toStatus(String workflowId, Instant now) {
    UsageBook book = usage.book();
    Instant open = calendar.periodStartOf(now);
    List<PeriodUsage> unsubmitted =
        book.pending().stream().filter(p -> !p.periodStart().equals(open)).toList();
    List<RejectedReport> rejected = usage.rejected();
    List<SubmittedRecord> recentRecords = recent.records();
    List<CarriedUsage> carried = book.carried();
    return PayloadBudget.fit(
            PayloadBudget.STATUS_BYTES,
            PayloadBudget.Limits.all(rejected.size(), recentRecords.size(), carried.size()),
            keep -> {
              List<SubmittedRecord> shown = keep.keepRecent(recentRecords);
              return new MeteringStatus(
                  workflowId,
                  subscription.productCode(),
                  subscription.customer().value(),
                  subscription.pricingModel(),
                  subscription.period(),
                  subscription.dimensions(),
                  state,
                  stateReason,
                  open,
                  book.pendingFor(open),
                  unsubmitted,
                  List.copyOf(backlog.periods()),
                  keep.keepCarried(carried),
                  keep.keepRejected(rejected),
                  shown,
                  List.copyOf(verifications.tasks()),
                  shown.stream().filter(r -> r.receipt() == ReceiptStatus.UNVERIFIED).toList(),
                  usage.reports().size(),
                  counters,
                  state == MeteringState.ENDED ? null : nextCloseAt,
                  keep.omitted(),
                  identities.changes());
            })
        .value();
  }

  // ---------------------------------------------------------------- usage in

  /** Reads and checks a pushed report now (read-only): its problems, or the report to apply. */
  public UsageReportValidator.Result check(JsonNode report, Instant now) {
    return usage.check(report, now, state == MeteringState.ENDED || unsubscribeRequested);
  }

  /** What is wrong with a typed report now; empty when it can be applied. */
  public List<String> problems(UsageReport report, Instant now) {
    return check(report == null ? null : UsageJson.toTree(report), now).problems();
  }

  public void reject(String reportId, Instant now, List<String> problems) {
    usage.reject(reportId, now, problems);
    counters = counters.plusRejected();
  }

  /** Adds a valid report's usage once per report id; a repeated id changes nothing but a count. */
  public UsageReceipt apply(UsageReport report, Instant now) {
    UsageReceipt receipt = usage.apply(report, now);
    counters = receipt.duplicate() ? counters.plusDuplicate() : counters.plusReport();
    return receipt;
  }

  /** Where a collect of {@code period} looks back from to see late pulled usage (null: nowhere). */
  public Instant pulledLookbackFrom(Instant period) {
    return usage.pulledLookbackFrom(period);
  }

  /**
   * Pulled usage of a closed period, with its tagged parts, plus what the source added since to
   * earlier collected periods (billed once, carried as LATE when their period is sealed); returns
   * the differences seen. Dimensions not metered are dropped.
   */
  public List<PulledTotals.Difference> addCollectedUsage(
      Instant period,
      Map<String, BigDecimal> quantities,
      List<PeriodUsage> earlierNow,
      List<TaggedUsage> tagged) {
    return usage.addCollected(period, quantities, earlierNow, tagged);
  }

  // ---------------------------------------------------------------- periods and submissions

  /** When the oldest open period closes (its end plus grace); remembered for {@code status}. */
  public Instant nextCloseAt() {
    nextCloseAt = backlog.nextCloseAt();
    return nextCloseAt;
  }

  public PeriodBacklog backlog() {
    return backlog;
  }

  /** Moves every period whose close time has come to the backlog. */
  public void closeEndedPeriods(Instant now) {
    backlog.closeEnded(now);
  }

  /**
   * Unsubscribe: also closes the open period, and moves usage stamped slightly in the future
   * (within the allowed skew) into it. Returns the open period's start.
   */
  public Instant closeThroughOpenPeriod(Instant now) {
    backlog.closeEnded(now);
    Instant current = calendar.periodStartOf(now);
    backlog.closeThrough(current);
    usage.carryLaterInto(current);
    return current;
  }

  /** A period that left AWS's timestamp window unsent: its usage moves to the next one. */
  public Instant carryOutOfWindow(Instant periodStart) {
    return usage.carryOutOfWindow(periodStart);
  }

  /** A record an AWS outage kept from being billed: its usage moves to the oldest open period. */
  public Instant carryUnbilled(MeteringRecord record, String reason) {
    return usage.carryUnbilled(record, reason);
  }

  /**
   * After the final flush: the period usage still waits in (carried there by an outage, or an
   * over-maximum remainder), null when none does.
   */
  public Instant leftoverUsagePeriod() {
    return usage.book().nextPeriodWithUsage();
  }

  /**
   * Every quantity not billed yet, per dimension: the usage of every unsealed period (the open one,
   * closed ones waiting, carried usage) plus any over-maximum remainder. Pulled usage counts only
   * once collected.
   */
  public Map<String, BigDecimal> unbilledUsage() {
    Map<String, BigDecimal> total = new TreeMap<>(usage.book().overflow());
    for (PeriodUsage period : usage.book().pending()) {
      period.quantities().forEach((dimension, q) -> total.merge(dimension, q, Quantities::add));
    }
    total.values().removeIf(q -> !Quantities.positive(q));
    return total;
  }

  /** The usage {@code period} would bill now (its own plus any over-maximum remainder). */
  public Map<String, BigDecimal> pendingUsage(Instant period) {
    return usage.book().waitingIn(period);
  }

  /** Tells {@code listener} about every quantity carried to a later period (for metrics). */
  public void onCarried(Consumer<CarriedUsage> listener) {
    usage.book().onCarried(listener);
  }

  /**
   * Whether usage an AWS outage kept from being billed still waits: for a CloudTrail check, or
   * carried into a period not submitted yet.
   */
  public boolean outageUsageWaiting() {
    return verifications.waitingOnOutage() || usage.book().outageUsageWaiting();
  }

  /**
   * Seals the period and builds its records; what exceeds a record's maximum waits for the next.
   */
  public List<MeteringRecord> sealAndPlan(Instant periodStart, EntitlementSnapshot entitlements) {
    return usage.sealAndPlan(periodStart, entitlements, identities.customerFor(periodStart));
  }

  // ---------------------------------------------------------------- identity (migration)

  /** The identity records of periods not yet submitted carry (entitlements are checked for it). */
  public CustomerId currentCustomer() {
    return identities.current();
  }

  public IdentityHistory identities() {
    return identities;
  }

  /**
   * Whether the workflow can take a migration now (null) or why not, naming the field: it has ended
   * or is ending.
   */
  public String migrationProblem() {
    return state == MeteringState.ENDED || unsubscribeRequested
        ? "workflow: metering has ended (or is ending after an unsubscribe); nothing to migrate"
        : null;
  }

  /**
   * Records of the first period not yet submitted and every later one carry {@code to}; sealed
   * periods (submitted, or being submitted) keep theirs, with their receipt checks and re-sends.
   * The cached entitlement answer (of the old identity) is dropped.
   */
  public IdentityChange migrate(CustomerId to, Instant now) {
    IdentityChange change = identities.migrate(to, now, usage.book().oldestUnsealed());
    lastEntitlements = null;
    return change;
  }

  /** Keeps AWS's answers for {@code status} and the counters; returns the count per status. */
  public Map<RecordStatus, Long> recordResults(Instant periodStart, List<RecordResult> results) {
    recent.add(periodStart, results);
    List<RecordResult> accepted = results.stream().filter(r -> r.status().accepted()).toList();
    BigDecimal quantity =
        accepted.stream()
            .map(r -> r.record().exactQuantity())
            .reduce(BigDecimal.ZERO, Quantities::add);
    counters = counters.plusSubmission(accepted.size(), results.size() - accepted.size(), quantity);
    Map<RecordStatus, Long> byStatus = new LinkedHashMap<>();
    results.forEach(r -> byStatus.merge(r.status(), 1L, Long::sum));
    lastSubmission = results.size() + " records for " + periodStart + ": " + byStatus;
    return byStatus;
  }

  /**
   * The last moment this period's records can still be sent ({@link TimestampWindowRule}: AWS's
   * window or month-end cut-off, whichever comes first, less the safety).
   */
  public Instant windowDeadline(Instant periodStart) {
    return windowRule.deadline(periodStart);
  }

  // ---------------------------------------------------------------- entitlements

  /** The last entitlement answer if it may stand in for a new check now, else null. */
  public EntitlementSnapshot reusableEntitlements(Instant now) {
    return lastEntitlements != null
            && lastEntitlements.reusableAt(now, subscription.tuning().entitlementMaxAge())
        ? lastEntitlements
        : null;
  }

  /**
   * Keeps a new answer (null: the check failed), stamped with the start of the current period, so a
   * max age of N periods means a check every N closes whatever the few seconds' jitter of a close.
   */
  public EntitlementSnapshot rememberEntitlements(EntitlementSnapshot checked, Instant now) {
    lastEntitlements = checked == null ? null : checked.checkedAt(calendar.periodStartOf(now));
    return lastEntitlements;
  }

  // ---------------------------------------------------------------- receipt verification

  /** A submitted period's accepted records start waiting for CloudTrail (if verification is on). */
  public void scheduleVerification(Instant periodStart, List<RecordResult> results, Instant now) {
    MeteringTuning tuning = subscription.tuning();
    if (tuning.verificationEnabled()) {
      verifications.schedule(periodStart, results, now, tuning.verifyDelay());
    }
  }

  /**
   * Records whose fate is unknown when their window has closed wait for one CloudTrail look (if
   * verification is off, the look is still made: it is the only way to know).
   */
  public void scheduleFateCheck(
      Instant periodStart, List<RecordResult> results, Instant sentAt, Instant now) {
    verifications.scheduleFateCheck(
        periodStart, results, sentAt, now.plus(subscription.tuning().verifyDelay()));
  }

  public VerificationQueue verifications() {
    return verifications;
  }

  /** Shows a record's receipt in {@code status}. */
  public void markReceipt(MeteringRecord record, ReceiptStatus receipt) {
    recent.markReceipt(record, receipt);
  }

  public void countReceipts(long verified, long resent, long unverified) {
    counters = counters.plusReceipts(verified, resent, unverified);
  }

  // ---------------------------------------------------------------- state and requests

  /** Sets the reason, and the state; true when the state changed. */
  public boolean setState(MeteringState newState, String reason) {
    stateReason = reason;
    boolean changed = newState != state;
    state = newState;
    return changed;
  }

  public void setReason(String reason) {
    stateReason = reason;
  }

  public MeteringState state() {
    return state;
  }

  public String stateReason() {
    return stateReason;
  }

  public MeteringCounters counters() {
    return counters;
  }

  public String lastSubmission() {
    return lastSubmission;
  }

  public void requestUnsubscribe() {
    unsubscribeRequested = true;
  }

  public boolean unsubscribeRequested() {
    return unsubscribeRequested;
  }

  /** Entitlements changed: the cached answer is dropped and the workflow wakes to recheck. */
  public void requestEntitlementRecheck() {
    entitlementRecheckRequested = true;
    lastEntitlements = null;
  }

  public boolean entitlementRecheckRequested() {
    return entitlementRecheckRequested;
  }

  public void clearEntitlementRecheck() {
    entitlementRecheckRequested = false;
  }

  /** Whether this run has closed enough periods to continue as new (0: only when suggested). */
  public boolean periodLimitReached() {
    int every = subscription.tuning().continueAsNewAfterPeriods();
    return every > 0 && backlog.closedThisRun() >= every;
  }

  /** Count a signal toward Temporal's per-run limit; call at the top of every signal handler. */
  public void countSignal() {
    runLimits.countSignal();
  }

  /** Count an update toward Temporal's per-run limit; call at the top of every update handler. */
  public void countUpdate() {
    runLimits.countUpdate();
  }

  public RunLimits runLimits() {
    return runLimits;
  }

  public MeteringSubscription subscription() {
    return subscription;
  }

  public PeriodCalendar calendar() {
    return calendar;
  }
}
