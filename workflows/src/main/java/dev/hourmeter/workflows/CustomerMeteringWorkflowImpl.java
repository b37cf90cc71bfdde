package dev.hourmeter.workflows;

import dev.hourmeter.workflows.activities.EntitlementActivities;
import dev.hourmeter.workflows.activities.MeteringSubmissionActivities;
import dev.hourmeter.workflows.activities.ReceiptVerificationActivities;
import dev.hourmeter.workflows.activities.UsageCollectionActivities;
import dev.hourmeter.workflows.model.BacklogPeriod;
import dev.hourmeter.workflows.model.CarriedUsage;
import dev.hourmeter.workflows.model.CollectedUsage;
import dev.hourmeter.workflows.model.CustomerMeteringInput;
import dev.hourmeter.workflows.model.EntitlementRequest;
import dev.hourmeter.workflows.model.EntitlementSnapshot;
import dev.hourmeter.workflows.model.MeteringCheckpoint;
import dev.hourmeter.workflows.model.MeteringCounters;
import dev.hourmeter.workflows.model.MeteringRecord;
import dev.hourmeter.workflows.model.MeteringState;
import dev.hourmeter.workflows.model.MeteringStatus;
import dev.hourmeter.workflows.model.MeteringSubscription;
import dev.hourmeter.workflows.model.MeteringTuning;
import dev.hourmeter.workflows.model.PeriodUsage;
import dev.hourmeter.workflows.model.ReceiptCheck;
import dev.hourmeter.workflows.model.ReceiptCheckRequest;
import dev.hourmeter.workflows.model.ReceiptCheckResult;
import dev.hourmeter.workflows.model.ReceiptStatus;
import dev.hourmeter.workflows.model.RecordResult;
import dev.hourmeter.workflows.model.RecordStatus;
import dev.hourmeter.workflows.model.RejectedReport;
import dev.hourmeter.workflows.model.SentRecord;
import dev.hourmeter.workflows.model.SubmissionRequest;
import dev.hourmeter.workflows.model.SubmissionResult;
import dev.hourmeter.workflows.model.SubmittedRecord;
import dev.hourmeter.workflows.model.UsageEntry;
import dev.hourmeter.workflows.model.UsageQuery;
import dev.hourmeter.workflows.model.UsageReceipt;
import dev.hourmeter.workflows.model.UsageReport;
import dev.hourmeter.workflows.model.VerificationTask;
import dev.hourmeter.workflows.state.BoundedList;
import dev.hourmeter.workflows.state.PeriodCalendar;
import dev.hourmeter.workflows.state.RecordPlanner;
import dev.hourmeter.workflows.state.ReportMemory;
import dev.hourmeter.workflows.state.UsageBook;
import dev.hourmeter.workflows.state.UsageReportValidator;
import io.temporal.failure.ActivityFailure;
import io.temporal.failure.ApplicationFailure;
import io.temporal.workflow.Promise;
import io.temporal.workflow.TimerOptions;
import io.temporal.workflow.Workflow;
import io.temporal.workflow.WorkflowInit;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.slf4j.Logger;

/**
 * The customer metering loop. Deterministic: time comes from {@link Workflow#currentTimeMillis()},
 * every side effect goes through an activity, every collection iterates in a fixed order.
 */
public class CustomerMeteringWorkflowImpl implements CustomerMeteringWorkflow {

  private static final Logger log = Workflow.getLogger(CustomerMeteringWorkflowImpl.class);
  private static final int REJECTED_KEPT = 50;
  private static final int CARRIED_KEPT = 50;

  /** After a re-send, CloudTrail gets this many more looks before the record is UNVERIFIED. */
  private static final int CHECKS_AFTER_RESEND = 2;

  private MeteringSubscription subscription;
  private MeteringTuning tuning;
  private PeriodCalendar calendar;
  private Set<String> dimensions;

  private MeteringState state = MeteringState.ACTIVE;
  private String stateReason = "";
  private Instant nextPeriodToClose;
  private final List<BacklogPeriod> backlog = new ArrayList<>();
  private UsageBook book;
  private ReportMemory reports;
  private BoundedList<RejectedReport> rejected;
  private final LinkedHashMap<Instant, List<SubmittedRecord>> recent = new LinkedHashMap<>();
  private MeteringCounters counters = MeteringCounters.ZERO;
  private final List<VerificationTask> verifications = new ArrayList<>();
  private Instant nextCloseAt;
  private String lastSubmission = "none yet";

  private boolean unsubscribeRequested;
  private boolean entitlementRecheckRequested;

  /**
   * The last entitlement check, reused while {@link EntitlementSnapshot#reusableAt} allows; null:
   * check.
   */
  private EntitlementSnapshot lastEntitlements;

  private int periodsThisRun;

  /**
   * Builds the state before any handler runs: a signal or update can arrive in the workflow's very
   * first task, before {@link #run} starts.
   */
  @WorkflowInit
  public CustomerMeteringWorkflowImpl(CustomerMeteringInput input) {
    restore(input);
  }

  @Override
  public void run(CustomerMeteringInput input) {
    upsertState();
    Promise<Void> closeTimer = null;
    Instant timerTarget = null;
    while (true) {
      Instant closeAt = nextPeriodToClose.plus(subscription.period()).plus(tuning.grace());
      nextCloseAt = closeAt;
      // One timer per period: receipt checks that fell due since the last wake ride on it (no
      // timers of their own).
      Duration wait = Duration.between(now(), closeAt);
      if (wait.isPositive()) {
        if (closeTimer == null || !closeAt.equals(timerTarget)) {
          timerTarget = closeAt;
          closeTimer =
              Workflow.newTimer(
                  wait,
                  TimerOptions.newBuilder()
                      .setSummary("close period " + nextPeriodToClose)
                      .build());
        }
        Promise<Void> timer = closeTimer;
        updateDetails();
        Workflow.await(
            () -> timer.isCompleted() || unsubscribeRequested || entitlementRecheckRequested);
      }
      if (unsubscribeRequested) {
        finalFlush();
        finishVerifications();
        return;
      }
      // A recheck request is served by the backlog pass below, which checks entitlements when it
      // has work.
      entitlementRecheckRequested = false;
      closeEndedPeriods();
      // Receipt checks, usage collection and the entitlement check are local activities that run
      // back to back,
      // so they are recorded in one workflow task (one billable action); submission is a durable
      // activity.
      runDueVerifications();
      if (!backlog.isEmpty()) {
        processBacklog();
      }
      if (shouldContinueAsNew()) {
        Workflow.await(Workflow::isEveryHandlerFinished);
        if (unsubscribeRequested) {
          continue;
        }
        log.info(
            "continuing as new after {} periods, history length {}",
            periodsThisRun,
            Workflow.getInfo().getHistoryLength());
        Workflow.continueAsNew(new CustomerMeteringInput(subscription, checkpoint()));
      }
    }
  }

  // ---------------------------------------------------------------- usage in

  @Override
  public void recordUsage(UsageReport report) {
    List<String> problems = UsageReportValidator.problems(report, validationContext());
    if (!problems.isEmpty()) {
      String id = report == null ? null : report.id();
      rejected.add(new RejectedReport(id, now(), String.join("; ", problems)));
      counters = counters.plusRejected();
      log.warn("rejected usage report {}: {}", id, problems);
      return;
    }
    apply(report);
  }

  @Override
  public UsageReceipt reportUsage(UsageReport report) {
    // The validator already ran; recheck so a report that became invalid since then is still
    // refused.
    List<String> problems = UsageReportValidator.problems(report, validationContext());
    if (!problems.isEmpty()) {
      throw ApplicationFailure.newNonRetryableFailure(
          String.join("; ", problems), "InvalidUsageReport");
    }
    return apply(report);
  }

  @Override
  public void validateReportUsage(UsageReport report) {
    List<String> problems = UsageReportValidator.problems(report, validationContext());
    if (!problems.isEmpty()) {
      throw new IllegalArgumentException(String.join("; ", problems));
    }
  }

  private UsageReceipt apply(UsageReport report) {
    Instant now = now();
    if (reports.contains(report.id())) {
      counters = counters.plusDuplicate();
      return new UsageReceipt(report.id(), true, List.of(), false);
    }
    Set<Instant> periods = new TreeSet<>();
    boolean carried = false;
    for (UsageEntry entry : report.usage()) {
      Instant at =
          entry.timestamp() == null ? now : UsageReportValidator.parseTimestamp(entry.timestamp());
      UsageBook.Placement placement =
          book.add(entry.dimension(), entry.quantity(), calendar.periodStartOf(at));
      periods.add(placement.period());
      carried |= placement.carried();
    }
    reports.remember(report.id(), now, dedupHorizon(now));
    counters = counters.plusReport();
    return new UsageReceipt(report.id(), false, List.copyOf(periods), carried);
  }

  private UsageReportValidator.Context validationContext() {
    Instant now = now();
    return new UsageReportValidator.Context(
        dimensions,
        now,
        dedupHorizon(now),
        now.plus(tuning.futureSkew()),
        state == MeteringState.ENDED || unsubscribeRequested);
  }

  private Instant dedupHorizon(Instant now) {
    return now.minus(subscription.period().multipliedBy(tuning.dedupHorizonPeriods()));
  }

  @Override
  public void entitlementsChanged() {
    entitlementRecheckRequested = true;
    lastEntitlements = null;
  }

  @Override
  public void unsubscribe() {
    unsubscribeRequested = true;
  }

  // ---------------------------------------------------------------- the period cycle

  private void closeEndedPeriods() {
    Duration period = subscription.period();
    while (!nextPeriodToClose.plus(period).plus(tuning.grace()).isAfter(now())) {
      backlog.add(new BacklogPeriod(nextPeriodToClose, false));
      nextPeriodToClose = nextPeriodToClose.plus(period);
      periodsThisRun++;
    }
  }

  /**
   * Submits closed periods oldest first. Pulled usage is gathered for each first; a period that
   * left AWS's timestamp window is folded into the next one; nothing is submitted while not
   * entitled.
   */
  private void processBacklog() {
    if (!collectBacklogUsage()) {
      return;
    }
    EntitlementSnapshot entitlements = null;
    while (!backlog.isEmpty() && backlog.get(0).usageCollected()) {
      Instant periodStart = backlog.get(0).periodStart();
      Duration untilWindowCloses = Duration.between(now(), windowDeadline(periodStart));
      if (untilWindowCloses.compareTo(Duration.ofSeconds(1)) < 0) {
        backlog.remove(0);
        Instant target = calendar.next(periodStart);
        book.carryForward(periodStart, target, CarriedUsage.OUT_OF_WINDOW);
        book.seal(periodStart);
        log.warn(
            "period {} left the timestamp window unsent; its usage moved to {}",
            periodStart,
            target);
        continue;
      }
      if (entitlements == null) {
        entitlements = currentEntitlements();
        if (entitlements == null) {
          return;
        }
        if (!entitlements.entitled()) {
          setState(MeteringState.SUSPENDED, "not entitled: " + entitlements.reason());
          return;
        }
        setState(MeteringState.ACTIVE, "");
      }
      backlog.remove(0);
      submitPeriod(periodStart, entitlements, untilWindowCloses);
    }
  }

  /**
   * Gathers pulled usage for backlog periods in order; false when the source failed (retried next
   * cycle).
   */
  private boolean collectBacklogUsage() {
    for (int i = 0; i < backlog.size(); i++) {
      BacklogPeriod item = backlog.get(i);
      if (item.usageCollected()) {
        continue;
      }
      Instant from = item.periodStart();
      Instant end = calendar.next(from);
      Instant to =
          end.isAfter(now()) ? now() : end; // the final period of an unsubscribe is partial
      if (!collectUsage(from, to)) {
        return i > 0;
      }
      backlog.set(i, item.collected());
    }
    return true;
  }

  private boolean collectUsage(Instant from, Instant to) {
    UsageCollectionActivities activities =
        Workflow.newLocalActivityStub(
            UsageCollectionActivities.class,
            MeteringOptions.collectUsage(subscription.period(), "collect usage for " + from));
    try {
      CollectedUsage usage =
          activities.collectUsage(
              new UsageQuery(
                  subscription.productCode(),
                  subscription.customer(),
                  subscription.dimensions(),
                  from,
                  to));
      usage.quantities().entrySet().stream()
          .sorted(Map.Entry.comparingByKey())
          .filter(e -> dimensions.contains(e.getKey()) && e.getValue() > 0)
          .forEach(e -> book.add(e.getKey(), e.getValue(), from));
      return true;
    } catch (ActivityFailure e) {
      stateReason =
          "usage source failed for " + from + ": " + rootMessage(e) + " (retried next period)";
      log.warn("collecting usage for {} failed; will retry next period", from, e);
      return false;
    }
  }

  /**
   * The customer's entitlements: the last answer while it is fresh (see {@link
   * MeteringTuning#entitlementMaxAge}), else a new check. Null when the check failed.
   */
  private EntitlementSnapshot currentEntitlements() {
    if (lastEntitlements != null
        && lastEntitlements.reusableAt(now(), tuning.entitlementMaxAge())) {
      return lastEntitlements;
    }
    EntitlementSnapshot checked = checkEntitlements();
    // Stamped with the start of the current period, so a max age of N periods means a check every N
    // closes,
    // whatever the few seconds' jitter of each close.
    lastEntitlements = checked == null ? null : checked.checkedAt(calendar.periodStartOf(now()));
    return lastEntitlements;
  }

  private EntitlementSnapshot checkEntitlements() {
    EntitlementActivities activities =
        Workflow.newLocalActivityStub(
            EntitlementActivities.class,
            MeteringOptions.checkEntitlements(
                subscription.period(), "check entitlements of " + subscription.customer()));
    try {
      return activities.checkEntitlements(
          new EntitlementRequest(
              subscription.productCode(), subscription.customer(), subscription.dimensions()));
    } catch (ActivityFailure e) {
      stateReason = "entitlement check failed: " + rootMessage(e) + " (retried next period)";
      log.warn("entitlement check failed; backlog kept for the next period", e);
      return null;
    }
  }

  private void submitPeriod(
      Instant periodStart, EntitlementSnapshot entitlements, Duration untilWindowCloses) {
    Map<String, Long> usage = book.seal(periodStart);
    RecordPlanner.Plan plan =
        RecordPlanner.plan(subscription, periodStart, usage, book.takeOverflow(), entitlements);
    plan.overflow().entrySet().stream()
        .sorted(Map.Entry.comparingByKey())
        .forEach(e -> book.addOverflow(e.getKey(), e.getValue(), periodStart));
    List<RecordResult> results = submit(plan.records(), untilWindowCloses, periodStart);
    recordResults(periodStart, results);
    scheduleVerification(periodStart, results);
  }

  private List<RecordResult> submit(
      List<MeteringRecord> records, Duration untilWindowCloses, Instant periodStart) {
    String summary = "submit " + records.size() + " records for " + periodStart;
    MeteringSubmissionActivities activities =
        Workflow.newActivityStub(
            MeteringSubmissionActivities.class,
            MeteringOptions.submitRecords(subscription.period(), untilWindowCloses, summary));
    try {
      SubmissionResult result =
          activities.submitUsageRecords(new SubmissionRequest(subscription.productCode(), records));
      return result.results();
    } catch (ActivityFailure e) {
      String detail = "not confirmed before the timestamp window closed: " + rootMessage(e);
      log.error("records for {} were never confirmed by AWS: {}", periodStart, detail);
      return records.stream().map(r -> RecordResult.unconfirmed(r, detail)).toList();
    }
  }

  private void recordResults(Instant periodStart, List<RecordResult> results) {
    List<SubmittedRecord> submitted =
        new ArrayList<>(results.stream().map(SubmittedRecord::of).toList());
    recent.put(periodStart, submitted);
    while (recent.size() > tuning.recentPeriodsKept()) {
      recent.remove(recent.keySet().iterator().next());
    }
    long accepted = results.stream().filter(r -> r.status().accepted()).count();
    long quantity =
        results.stream()
            .filter(r -> r.status().accepted())
            .mapToLong(r -> r.record().quantity())
            .sum();
    counters = counters.plusSubmission(accepted, results.size() - accepted, quantity);
    Workflow.getMetricsScope().counter("hourmeter_records_accepted").inc(accepted);
    Workflow.getMetricsScope()
        .counter("hourmeter_records_not_accepted")
        .inc(results.size() - accepted);
    Map<RecordStatus, Long> byStatus = new LinkedHashMap<>();
    results.forEach(r -> byStatus.merge(r.status(), 1L, Long::sum));
    lastSubmission = results.size() + " records for " + periodStart + ": " + byStatus;
    log.info("period {} submitted: {}", periodStart, byStatus);
  }

  // ---------------------------------------------------------------- receipt verification
  // (CloudTrail)

  private void scheduleVerification(Instant periodStart, List<RecordResult> results) {
    if (!tuning.verificationEnabled()) {
      return;
    }
    Instant now = now();
    List<SentRecord> accepted =
        results.stream()
            .filter(r -> r.status().accepted())
            .map(r -> new SentRecord(r.record(), r.meteringRecordId(), now))
            .toList();
    if (!accepted.isEmpty()) {
      verifications.add(
          new VerificationTask(periodStart, accepted, now.plus(tuning.verifyDelay()), false, 0));
    }
  }

  private Instant nextVerificationAt() {
    return verifications.stream()
        .map(VerificationTask::nextCheckAt)
        .min(Instant::compareTo)
        .orElse(null);
  }

  /**
   * Looks up every due period's records in one VerifyReceipts call. A record still missing is
   * checked again later; when only {@code resendLead} of its window is left it is re-sent once
   * (identical, so AWS dedups it) and checked again; if it still is not seen, or cannot be re-sent
   * any more, it is UNVERIFIED.
   */
  private void runDueVerifications() {
    Instant now = now();
    List<VerificationTask> due =
        verifications.stream().filter(t -> !t.nextCheckAt().isAfter(now)).toList();
    if (due.isEmpty()) {
      return;
    }
    List<SentRecord> records = due.stream().flatMap(t -> t.records().stream()).toList();
    ReceiptVerificationActivities activities =
        Workflow.newLocalActivityStub(
            ReceiptVerificationActivities.class,
            MeteringOptions.verifyReceipts(
                subscription.period(),
                "verify "
                    + records.size()
                    + " records of "
                    + due.size()
                    + " period(s) in CloudTrail"));
    Set<String> found;
    try {
      ReceiptCheckResult result =
          activities.verifyReceipts(new ReceiptCheckRequest(subscription.productCode(), records));
      found =
          result.checks().stream()
              .filter(ReceiptCheck::found)
              .map(c -> c.sent().record().key())
              .collect(Collectors.toSet());
    } catch (ActivityFailure e) {
      log.warn("CloudTrail lookup failed; checking again later", e);
      found = Set.of();
    }
    verifications.removeAll(due);
    long verified = 0;
    for (VerificationTask task : due) {
      List<SentRecord> missing = new ArrayList<>();
      for (SentRecord sent : task.records()) {
        if (found.contains(sent.record().key())) {
          markReceipt(sent.record(), ReceiptStatus.VERIFIED);
          verified++;
        } else {
          missing.add(sent);
        }
      }
      if (!missing.isEmpty()) {
        followUp(task, missing);
      }
    }
    counters = counters.plusReceipts(verified, 0, 0);
    updateDetails();
  }

  private void followUp(VerificationTask task, List<SentRecord> missing) {
    Instant now = now();
    Instant period = task.periodStart();
    Instant resendAt = windowDeadline(period).minus(tuning.resendLead());
    if (task.resent()) {
      if (task.checksAfterResend() + 1 >= CHECKS_AFTER_RESEND) {
        markUnverified(missing, "not in CloudTrail even after a re-send");
      } else {
        verifications.add(
            new VerificationTask(
                period,
                missing,
                now.plus(tuning.verifyDelay()),
                true,
                task.checksAfterResend() + 1));
      }
      return;
    }
    if (now.isBefore(resendAt)) {
      Instant next = now.plus(tuning.verifyDelay());
      verifications.add(
          new VerificationTask(
              period, missing, next.isBefore(resendAt) ? next : resendAt, false, 0));
      return;
    }
    Duration untilWindowCloses = Duration.between(now, windowDeadline(period));
    if (untilWindowCloses.compareTo(Duration.ofSeconds(1)) < 0) {
      markUnverified(missing, "not in CloudTrail and the timestamp window has closed");
      return;
    }
    List<MeteringRecord> identical = missing.stream().map(SentRecord::record).toList();
    log.warn(
        "{} record(s) of {} not in CloudTrail; re-sending them unchanged",
        identical.size(),
        period);
    List<RecordResult> results = submit(identical, untilWindowCloses, period);
    List<SentRecord> resent = new ArrayList<>();
    List<SentRecord> failed = new ArrayList<>();
    for (RecordResult result : results) {
      SentRecord sent = new SentRecord(result.record(), result.meteringRecordId(), now);
      (result.status().accepted() ? resent : failed).add(sent);
    }
    resent.forEach(r -> markReceipt(r.record(), ReceiptStatus.RESENT));
    counters = counters.plusReceipts(0, resent.size(), 0);
    if (!resent.isEmpty()) {
      verifications.add(
          new VerificationTask(period, resent, now().plus(tuning.verifyDelay()), true, 0));
    }
    if (!failed.isEmpty()) {
      markUnverified(failed, "re-send was not accepted: " + results.get(0).detail());
    }
  }

  private void markUnverified(List<SentRecord> records, String why) {
    records.forEach(r -> markReceipt(r.record(), ReceiptStatus.UNVERIFIED));
    counters = counters.plusReceipts(0, 0, records.size());
    log.error(
        "{} record(s) UNVERIFIED ({}): {}",
        records.size(),
        why,
        records.stream().map(r -> r.record().key()).toList());
    String current = Workflow.getTypedSearchAttributes().get(MeteringSearchAttributes.VERIFICATION);
    if (!ReceiptStatus.UNVERIFIED.name().equals(current)) {
      Workflow.upsertTypedSearchAttributes(
          MeteringSearchAttributes.VERIFICATION.valueSet(ReceiptStatus.UNVERIFIED.name()));
    }
  }

  private void markReceipt(MeteringRecord record, ReceiptStatus receipt) {
    List<SubmittedRecord> period = recent.get(record.timestamp());
    if (period == null) {
      return; // older than what status shows; the counters still count it
    }
    period.replaceAll(r -> r.dimension().equals(record.dimension()) ? r.withReceipt(receipt) : r);
  }

  /**
   * After unsubscribe: keep checking receipts until every accepted record is verified or
   * UNVERIFIED.
   */
  private void finishVerifications() {
    while (!verifications.isEmpty()) {
      Instant next = nextVerificationAt();
      Duration wait = Duration.between(now(), next);
      if (wait.isPositive()) {
        Workflow.newTimer(
                wait, TimerOptions.newBuilder().setSummary("check CloudTrail receipts").build())
            .get();
      }
      runDueVerifications();
    }
  }

  private Instant windowDeadline(Instant periodStart) {
    return periodStart
        .plus(subscription.period().multipliedBy(tuning.windowPeriods()))
        .minus(tuning.windowSafety());
  }

  /**
   * Unsubscribe: close every period up to and including the open one now, submit what can be, end.
   */
  private void finalFlush() {
    closeEndedPeriods();
    Instant current = calendar.periodStartOf(now());
    while (!nextPeriodToClose.isAfter(current)) {
      backlog.add(new BacklogPeriod(nextPeriodToClose, false));
      nextPeriodToClose = calendar.next(nextPeriodToClose);
    }
    // Usage stamped slightly in the future (within the allowed skew) is billed with the final
    // period.
    for (Instant later : book.pendingPeriodsAfter(current)) {
      book.carryForward(later, current, CarriedUsage.LATE);
    }
    processBacklog();
    String reason =
        backlog.isEmpty()
            ? "unsubscribed; final period " + current + " flushed"
            : "unsubscribed with " + backlog.size() + " unsubmitted period(s): " + stateReason;
    setState(MeteringState.ENDED, reason);
    log.info("metering ended: {}", reason);
  }

  private boolean shouldContinueAsNew() {
    int every = tuning.continueAsNewAfterPeriods();
    return Workflow.getInfo().isContinueAsNewSuggested() || (every > 0 && periodsThisRun >= every);
  }

  // ---------------------------------------------------------------- state, status, visibility

  private void restore(CustomerMeteringInput input) {
    subscription = input.subscription();
    tuning = subscription.tuning();
    calendar = new PeriodCalendar(subscription.period());
    dimensions = new LinkedHashSet<>(subscription.dimensions());
    rejected = new BoundedList<>(REJECTED_KEPT);
    MeteringCheckpoint checkpoint = input.checkpoint();
    if (checkpoint == null) {
      Instant open = calendar.periodStartOf(now());
      nextPeriodToClose = open;
      book = new UsageBook(calendar, calendar.previous(open), CARRIED_KEPT);
      reports = new ReportMemory(tuning.maxRememberedReports(), List.of());
      return;
    }
    state = checkpoint.state();
    stateReason = checkpoint.stateReason();
    nextPeriodToClose = checkpoint.nextPeriodToClose();
    backlog.addAll(checkpoint.backlog());
    book =
        UsageBook.restore(
            calendar,
            checkpoint.sealedThrough(),
            checkpoint.pending(),
            checkpoint.overflow(),
            checkpoint.carried(),
            CARRIED_KEPT);
    reports = new ReportMemory(tuning.maxRememberedReports(), checkpoint.rememberedReports());
    reports.forgetBefore(dedupHorizon(now()));
    checkpoint.rejectedReports().forEach(rejected::add);
    for (SubmittedRecord record : checkpoint.recentRecords()) {
      recent.computeIfAbsent(record.periodStart(), p -> new ArrayList<>()).add(record);
    }
    verifications.addAll(checkpoint.verifications());
    counters = checkpoint.counters().plusRun();
    lastEntitlements = checkpoint.entitlements();
  }

  private MeteringCheckpoint checkpoint() {
    List<SubmittedRecord> recentRecords = new ArrayList<>();
    recent.values().forEach(recentRecords::addAll);
    return new MeteringCheckpoint(
        state,
        stateReason,
        nextPeriodToClose,
        book.sealedThrough(),
        backlog,
        book.pending(),
        book.overflow(),
        reports.snapshot(),
        rejected.items(),
        book.carried(),
        recentRecords,
        verifications,
        counters,
        lastEntitlements);
  }

  @Override
  public MeteringStatus status() {
    Instant open = calendar.periodStartOf(now());
    List<PeriodUsage> unsubmitted =
        book.pending().stream().filter(p -> !p.periodStart().equals(open)).toList();
    List<SubmittedRecord> recentRecords = new ArrayList<>();
    recent.values().forEach(recentRecords::addAll);
    return new MeteringStatus(
        Workflow.getInfo().getWorkflowId(),
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
        List.copyOf(backlog),
        book.carried(),
        rejected.items(),
        recentRecords,
        List.copyOf(verifications),
        recentRecords.stream().filter(r -> r.receipt() == ReceiptStatus.UNVERIFIED).toList(),
        reports.size(),
        counters,
        state == MeteringState.ENDED ? null : nextCloseAt);
  }

  private void setState(MeteringState newState, String reason) {
    stateReason = reason;
    if (newState != state) {
      log.info("state {} -> {} ({})", state, newState, reason);
      state = newState;
      upsertState();
    }
    updateDetails();
  }

  /** Upserts {@code MeteringState} only when it differs (each upsert is a billed action). */
  private void upsertState() {
    String current = Workflow.getTypedSearchAttributes().get(MeteringSearchAttributes.STATE);
    if (!state.name().equals(current)) {
      Workflow.upsertTypedSearchAttributes(MeteringSearchAttributes.STATE.valueSet(state.name()));
    }
  }

  private void updateDetails() {
    Workflow.setCurrentDetails(
        "**State** "
            + state
            + (stateReason.isEmpty() ? "" : " (" + stateReason + ")")
            + "  \n**Open period** "
            + calendar.periodStartOf(now())
            + "  \n**Last submission** "
            + lastSubmission
            + "  \n**Accepted** "
            + counters.recordsAccepted()
            + " records, not accepted "
            + counters.recordsNotAccepted()
            + "  \n**CloudTrail** verified "
            + counters.recordsVerified()
            + ", re-sent "
            + counters.recordsResent()
            + ", unverified "
            + counters.recordsUnverified());
  }

  private static Instant now() {
    return Instant.ofEpochMilli(Workflow.currentTimeMillis());
  }

  private static String rootMessage(Throwable failure) {
    Throwable cause = failure;
    while (cause.getCause() != null) {
      cause = cause.getCause();
    }
    return cause.getMessage();
  }
}
