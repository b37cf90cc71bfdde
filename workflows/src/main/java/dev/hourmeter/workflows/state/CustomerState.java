package dev.hourmeter.workflows.state;

import com.fasterxml.jackson.databind.JsonNode;
import dev.hourmeter.workflows.model.api.AgreementEnd;
import dev.hourmeter.workflows.model.api.CustomerId;
import dev.hourmeter.workflows.model.api.MeteringCounters;
import dev.hourmeter.workflows.model.api.MeteringState;
import dev.hourmeter.workflows.model.api.MeteringStatus;
import dev.hourmeter.workflows.model.api.MeteringSubscription;
import dev.hourmeter.workflows.model.api.MeteringTuning;
import dev.hourmeter.workflows.model.api.UsageEntry;
import dev.hourmeter.workflows.model.api.UsageReceipt;
import dev.hourmeter.workflows.model.api.UsageReport;
import dev.hourmeter.workflows.model.checkpoint.IdentityChange;
import dev.hourmeter.workflows.model.checkpoint.MeteringCheckpoint;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * Everything one customer's workflow knows: restored from and saved to the {@link
 * MeteringCheckpoint} that continue-as-new carries ({@link StateMapper} builds it and the {@link
 * MeteringStatus} view). Pure (time is passed in, no Temporal calls) and iterated in a fixed order,
 * so the workflow stays deterministic. It holds the state and its reason, the requests the workflow
 * wakes for, the usage messages and the identity. Its parts are handed to the steps that work on
 * them, each step getting only what it uses: the {@link PeriodBacklog}, the {@link BillableUsage}
 * and the {@link EntitlementCache} to the backlog pass, the {@link Submissions} (records sent and
 * their receipts) to it and to receipt follow-up, which carries usage through the {@link
 * UsageCarrier} side of the billable usage. The request flags under "This run only" are not
 * carried. About 300 lines because it is the one root of that state: each method is a short
 * delegation or flag, and splitting it would scatter the checkpoint's parts.
 */
public final class CustomerState {

  private final MeteringSubscription subscription;
  private final PeriodCalendar calendar;

  // Carried across continue-as-new.
  private MeteringState state = MeteringState.ACTIVE;
  private String stateReason = "";
  private final PeriodBacklog backlog;
  private final UsageLedger usage;
  private final IdentityHistory identities;
  private final Tally counters;
  private final EntitlementCache entitlements;
  private final Submissions submissions;
  private final BillableUsage billable;
  private final Succession succession;

  // This run only.
  private Instant nextCloseAt;
  private Duration closeOffset;
  private boolean unsubscribeRequested;
  private boolean entitlementRecheckRequested;
  private final RunLimits runLimits;

  private CustomerState(
      MeteringSubscription subscription,
      PeriodCalendar calendar,
      PeriodBacklog backlog,
      UsageLedger usage,
      MeteringCheckpoint checkpoint) {
    MeteringTuning tuning = subscription.tuning();
    boolean restored = checkpoint != null;
    this.subscription = subscription;
    this.calendar = calendar;
    this.backlog = backlog;
    this.usage = usage;
    this.identities =
        new IdentityHistory(
            subscription.customer(), restored ? checkpoint.identityChanges() : List.of());
    this.counters = new Tally(restored ? checkpoint.counters().plusRun() : MeteringCounters.ZERO);
    this.entitlements =
        new EntitlementCache(
            calendar, tuning.entitlementMaxAge(), restored ? checkpoint.entitlements() : null);
    this.submissions =
        new Submissions(
            tuning,
            subscription.period(),
            restored ? checkpoint.recentRecords() : List.of(),
            new VerificationQueue(restored ? checkpoint.verifications() : List.of()),
            counters,
            identities);
    this.billable = new BillableUsage(usage, backlog, calendar, identities, counters);
    this.runLimits = new RunLimits(tuning);
    this.succession =
        new Succession(subscription.customer(), restored ? checkpoint.succession() : null);
    if (succession.ended() != null) {
      backlog.closeNothingAfter(succession.lastPeriod(calendar));
    }
    if (restored) {
      this.state = checkpoint.state();
      this.stateReason = checkpoint.stateReason();
    }
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
          calendar,
          new PeriodBacklog(calendar, tuning.grace(), open, List.of()),
          UsageLedger.fresh(subscription, open),
          null);
    }
    return new CustomerState(
        subscription,
        calendar,
        new PeriodBacklog(
            calendar, tuning.grace(), checkpoint.nextPeriodToClose(), checkpoint.backlog()),
        UsageLedger.restore(subscription, checkpoint, now),
        checkpoint);
  }

  /**
   * The checkpoint, within {@link PayloadBudget#CHECKPOINT_BYTES}: over it, the oldest rejected
   * reports, recent records and carried notes are left out.
   */
  public MeteringCheckpoint toCheckpoint() {
    return StateMapper.checkpoint(this);
  }

  /** The {@code status} answer, within {@link PayloadBudget#STATUS_BYTES} (see {@code omitted}). */
  public MeteringStatus toStatus(String workflowId, Instant now) {
    return StateMapper.status(this, workflowId, now);
  }

  // ---------------------------------------------------------------- usage messages

  /** Reads and checks a pushed report now (read-only): its problems, or the report to apply. */
  public UsageReportValidator.Result check(JsonNode report, Instant now) {
    return usage.check(report, now, state == MeteringState.ENDED || unsubscribeRequested);
  }

  /** Whether usage is still taken: false once the subscription ended or unsubscribe was asked. */
  public boolean takesUsage() {
    return state != MeteringState.ENDED && !unsubscribeRequested;
  }

  /** What is wrong with a typed report now; empty when it can be applied. */
  public List<String> problems(UsageReport report, Instant now) {
    return check(report == null ? null : UsageJson.toTree(report), now).problems();
  }

  public void reject(String reportId, Instant now, List<String> problems) {
    usage.reject(reportId, now, problems);
    counters.add(MeteringCounters::plusRejected);
  }

  /**
   * Adds a valid report's usage once per report id; a repeated id changes nothing but a count. Once
   * the agreement was handed over, the entries dated from the hand-over on are held for the
   * successor instead ({@link Succession#divertFrom}), under the same report id.
   */
  public UsageReceipt apply(UsageReport report, Instant now) {
    List<UsageEntry> diverted = new ArrayList<>();
    UsageReceipt receipt = usage.apply(report, now, succession.divertFrom(), diverted);
    counters.add(
        receipt.duplicate() ? MeteringCounters::plusDuplicate : MeteringCounters::plusReport);
    if (!diverted.isEmpty()) {
      holdForSuccessor(new UsageReport(report.id(), diverted), now);
    }
    return receipt;
  }

  /** Holds usage for the successor; when the hold is full, the report is rejected, visibly. */
  private void holdForSuccessor(UsageReport report, Instant now) {
    if (!succession.hold(report)) {
      usage.reject(
          report.id(),
          now,
          List.of(
              "usage: dated after the agreement ended and "
                  + Succession.MAX_HELD
                  + " reports already wait for its successor: not billed"));
    }
  }

  // ---------------------------------------------------------------- agreement chain

  /**
   * Hands the usage booked in periods after the handed-over license's last one to its successor
   * (held, then forwarded): usage dated after the hand-over, or carried there by an AWS outage that
   * outlasted the last period's window (AWS no longer takes the old license's records: billed under
   * the successor rather than not at all).
   */
  public void holdPendingAfterLastPeriod(Instant now) {
    AgreementEnd end = succession.ended();
    if (end == null) {
      return;
    }
    Instant last = succession.lastPeriod(calendar);
    UsageBook book = usage.book();
    for (Instant later : book.pendingPeriodsAfter(last)) {
      Instant dated = later.isBefore(end.endedAt()) ? end.endedAt() : later;
      for (UsageReport report :
          HandOverReports.of(
              "handover-" + later + "-" + succession.reportsTaken(),
              dated,
              book.take(later),
              subscription.tuning().maxEntryQuantity())) {
        holdForSuccessor(report, now);
      }
    }
  }

  public Succession succession() {
    return succession;
  }

  /**
   * The agreement ended with a successor at {@code end.endedAt()}: no period after the one holding
   * that time is closed here, and pushed usage dated from it on is held for the successor. False
   * when it had already ended.
   */
  public boolean endAgreement(AgreementEnd end, Instant now) {
    if (!succession.end(end, now)) {
      return false;
    }
    Instant last = succession.lastPeriod(calendar);
    backlog.closeNothingAfter(last);
    // AWS takes the old license's records only for a short final window after the end: its last
    // period is closed now, not at its usual close (which can come after that window).
    backlog.closeThrough(last);
    // Usage booked in a later period before this request arrived (dated after the hand-over) is
    // the successor's: held for it like usage pushed from now on.
    holdPendingAfterLastPeriod(now);
    return true;
  }

  // ---------------------------------------------------------------- periods and usage

  /** When the oldest open period closes (its end plus grace); remembered for {@code status}. */
  public Instant nextCloseAt() {
    nextCloseAt = backlog.nextCloseAt();
    return nextCloseAt;
  }

  /**
   * This run closes each period at {@code workflowId}'s stable offset in the subscription's close
   * spread ({@link CloseOffset}) after its end plus grace; a run that never calls this closes at
   * the end plus grace, as runs did before the spread. Returns the offset.
   */
  public Duration spreadCloses(String workflowId) {
    closeOffset = CloseOffset.of(workflowId, subscription.tuning().closeSpread());
    backlog.spreadCloses(closeOffset);
    return closeOffset;
  }

  /** The offset {@link #spreadCloses} set, null when this run closes without one. */
  public Duration closeOffset() {
    return closeOffset;
  }

  /** Moves every period whose close time has come to the backlog. */
  public void closeEndedPeriods(Instant now) {
    backlog.closeEnded(now);
  }

  /**
   * Whether usage an AWS outage kept from being billed still waits: for a CloudTrail check, or
   * carried into a period not submitted yet.
   */
  public boolean outageUsageWaiting() {
    return submissions.verifications().waitingOnOutage() || usage.book().outageUsageWaiting();
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
    entitlements.forget();
    return change;
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
    return counters.value();
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
    entitlements.forget();
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

  // ---------------------------------------------------------------- parts

  public MeteringSubscription subscription() {
    return subscription;
  }

  public PeriodCalendar calendar() {
    return calendar;
  }

  public PeriodBacklog backlog() {
    return backlog;
  }

  public BillableUsage billableUsage() {
    return billable;
  }

  public Submissions submissions() {
    return submissions;
  }

  public EntitlementCache entitlements() {
    return entitlements;
  }

  UsageLedger ledger() {
    return usage;
  }

  /** The close time {@link #nextCloseAt} last returned, for {@code status}. */
  Instant shownNextCloseAt() {
    return nextCloseAt;
  }
}
