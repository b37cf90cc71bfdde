package dev.hourmeter.workflows;

import static dev.hourmeter.workflows.WorkflowTime.now;

import dev.hourmeter.workflows.model.activity.CollectedUsage;
import dev.hourmeter.workflows.model.activity.EntitlementSnapshot;
import dev.hourmeter.workflows.model.activity.MeteringRecord;
import dev.hourmeter.workflows.model.activity.RecordResult;
import dev.hourmeter.workflows.model.activity.RecordStatus;
import dev.hourmeter.workflows.model.api.AgreementEnd;
import dev.hourmeter.workflows.model.api.MeteringState;
import dev.hourmeter.workflows.model.api.Quantities;
import dev.hourmeter.workflows.model.checkpoint.BacklogPeriod;
import dev.hourmeter.workflows.model.checkpoint.CarriedUsage;
import dev.hourmeter.workflows.state.BillableUsage;
import dev.hourmeter.workflows.state.EntitlementCache;
import dev.hourmeter.workflows.state.PeriodBacklog;
import dev.hourmeter.workflows.state.PulledTotals;
import dev.hourmeter.workflows.state.Submissions;
import dev.hourmeter.workflows.state.Succession;
import io.temporal.failure.ActivityFailure;
import io.temporal.workflow.TimerOptions;
import io.temporal.workflow.Workflow;
import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;

/**
 * Submits closed periods, oldest first. Pulled usage is gathered for each first; a period that left
 * AWS's timestamp window is folded into the next one; nothing is submitted while not entitled. A
 * failing usage source or entitlement check keeps the backlog for the next close.
 */
final class BacklogProcessor {

  private static final Logger log = Workflow.getLogger(BacklogProcessor.class);

  private final PeriodBacklog backlog;
  private final BillableUsage usage;
  private final EntitlementCache entitlements;
  private final Submissions submissions;
  private final MeteringActivityStubs activities;
  private final MeteringVisibility visibility;
  private final Succession succession;

  BacklogProcessor(
      PeriodBacklog backlog,
      BillableUsage usage,
      EntitlementCache entitlements,
      Submissions submissions,
      MeteringActivityStubs activities,
      MeteringVisibility visibility,
      Succession succession) {
    this.succession = succession;
    this.backlog = backlog;
    this.usage = usage;
    this.entitlements = entitlements;
    this.submissions = submissions;
    this.activities = activities;
    this.visibility = visibility;
  }

  void process() {
    if (backlog.isEmpty() || !collectBacklogUsage()) {
      return;
    }
    EntitlementSnapshot entitled = null;
    while (!backlog.isEmpty() && backlog.oldest().usageCollected()) {
      Instant periodStart = backlog.oldest().periodStart();
      Duration untilWindowCloses = Duration.between(now(), submissions.windowDeadline(periodStart));
      if (untilWindowCloses.compareTo(Duration.ofSeconds(1)) < 0) {
        backlog.removeOldest();
        Instant target = usage.carryOutOfWindow(periodStart);
        log.warn(
            "period {} left the timestamp window unsent; its usage moved to {}",
            periodStart,
            target);
        continue;
      }
      if (entitled == null) {
        entitled = currentEntitlements();
        if (entitled == null) {
          return;
        }
        if (!entitled.entitled()) {
          visibility.changeState(MeteringState.SUSPENDED, "not entitled: " + entitled.reason());
          return;
        }
        visibility.changeState(MeteringState.ACTIVE, "");
      }
      backlog.removeOldest();
      submitPeriod(periodStart, entitled, untilWindowCloses);
    }
  }

  /**
   * Unsubscribe: closes every period up to and including the open one, submits what can be, ends.
   */
  void finalFlush() {
    Instant current = usage.closeThroughOpenPeriod(now());
    process();
    int left = backlog.periods().size();
    String reason =
        left == 0
            ? "unsubscribed; final period " + current + " flushed"
            : "unsubscribed with " + left + " unsubmitted period(s): " + visibility.reason();
    visibility.changeState(MeteringState.ENDED, reason);
    log.info("metering ended: {}", reason);
  }

  /**
   * After the final flush: bills the usage left in {@link BillableUsage#leftoverPeriod} (an outage
   * carried it past the flushed periods) in that period, once it has begun. Nothing is collected
   * for it (the customer left). False when it cannot be sent (not entitled, or the entitlement
   * check failed): the usage stays unbilled and {@link #reportUnbilledAtEnd} says so.
   */
  boolean submitLeftover() {
    Instant period = usage.leftoverPeriod();
    Duration wait = Duration.between(now(), period);
    if (wait.isPositive()) {
      Workflow.newTimer(
              wait,
              TimerOptions.newBuilder()
                  .setSummary("bill usage carried past the final flush in " + period)
                  .build())
          .get();
    }
    EntitlementSnapshot entitled = currentEntitlements();
    if (entitled == null || !entitled.entitled()) {
      visibility.setReason(
          "unsubscribed; usage carried to "
              + period
              + " not sent: "
              + (entitled == null ? "entitlement check failed" : entitled.reason()));
      visibility.updateDetails();
      return false;
    }
    Duration untilWindowCloses = Duration.between(now(), submissions.windowDeadline(period));
    if (untilWindowCloses.compareTo(Duration.ofSeconds(1)) < 0) {
      // As in process(): a period that can no longer be sent hands its usage to the next one.
      Instant target = usage.carryOutOfWindow(period);
      log.warn("period {} left the timestamp window unsent; its usage moved to {}", period, target);
      return true;
    }
    log.info("billing usage carried past the final flush in {}", period);
    submitPeriod(period, entitled, untilWindowCloses);
    return true;
  }

  /** At the very end: usage that could not be billed is logged, counted and named in the state. */
  void reportUnbilledAtEnd() {
    Instant period = usage.leftoverPeriod();
    if (period == null) {
      return;
    }
    Map<String, BigDecimal> left = usage.pendingIn(period);
    log.error("metering ended with usage never billed, carried to {}: {}", period, left);
    MeteringMetrics.unbilledAtEnd(Quantities.total(left));
    visibility.setReason(visibility.reason() + "; never billed: " + left + " carried to " + period);
    visibility.updateDetails();
  }

  /** Gathers pulled usage for backlog periods in order; false when the source failed at once. */
  private boolean collectBacklogUsage() {
    List<BacklogPeriod> periods = backlog.periods();
    for (int i = 0; i < periods.size(); i++) {
      BacklogPeriod item = periods.get(i);
      if (item.usageCollected()) {
        continue;
      }
      Instant from = item.periodStart();
      Instant end = usage.periodEnd(from);
      Instant to =
          end.isAfter(now()) ? now() : end; // the final period of an unsubscribe is partial
      AgreementEnd ended = succession.ended();
      if (ended != null && to.isAfter(ended.endedAt())) {
        to = ended.endedAt(); // the successor's from the hand-over on
      }
      if (!collectUsage(from, to)) {
        return i > 0;
      }
      backlog.markCollected(i);
    }
    return true;
  }

  private boolean collectUsage(Instant from, Instant to) {
    try {
      CollectedUsage collected = activities.collectUsage(from, to, usage.pulledLookbackFrom(from));
      usage.countPulledNotBilled(collected.ignoredEntries(), collected.overLimitEntries());
      for (PulledTotals.Difference d :
          usage.addCollected(
              from, collected.quantities(), collected.earlierPeriods(), collected.tagged())) {
        if (d.grew()) {
          log.info(
              "pulled usage added late to period {}: {} {} (billed now)",
              d.period(),
              d.delta().toPlainString(),
              d.dimension());
        } else {
          log.warn(
              "pulled usage of period {} now shows {} {} less than was billed (file rotated away or"
                  + " rewritten?): nothing is un-billed",
              d.period(),
              d.delta().negate().toPlainString(),
              d.dimension());
        }
      }
      return true;
    } catch (ActivityFailure e) {
      visibility.setReason(
          "usage source failed for "
              + from
              + ": "
              + MeteringActivityStubs.rootMessage(e)
              + " (retried next period)");
      log.warn("collecting usage for {} failed; will retry next period", from, e);
      return false;
    }
  }

  /**
   * The customer's entitlements: the last answer while it may be reused, else a new check. Null
   * when the check failed.
   */
  private EntitlementSnapshot currentEntitlements() {
    EntitlementSnapshot reusable = entitlements.reusable(now());
    if (reusable != null) {
      return reusable;
    }
    if (succession.ended() != null) {
      return handedOverEntitlements();
    }
    EntitlementSnapshot checked = checkEntitlements();
    return entitlements.remember(checked, now());
  }

  /**
   * A renewed or replaced license's last periods: its entitlements may already have moved to the
   * successor, but the usage was used while it was in force. The last entitled answer stands (its
   * contract quantities), else a new check, and when that says not entitled, entitled without
   * included quantities.
   */
  private EntitlementSnapshot handedOverEntitlements() {
    EntitlementSnapshot last = entitlements.lastEntitled();
    if (last != null) {
      return last;
    }
    EntitlementSnapshot checked = checkEntitlements();
    if (checked == null || checked.entitled()) {
      return entitlements.remember(checked, now());
    }
    log.info(
        "the handed-over license is no longer entitled ({}); its last period is billed as used",
        checked.reason());
    return new EntitlementSnapshot(true, "", Map.of(), null, now());
  }

  private EntitlementSnapshot checkEntitlements() {
    try {
      return activities.checkEntitlements();
    } catch (ActivityFailure e) {
      visibility.setReason(
          "entitlement check failed: "
              + MeteringActivityStubs.rootMessage(e)
              + " (retried next period)");
      log.warn("entitlement check failed; backlog kept for the next period", e);
      return null;
    }
  }

  private void submitPeriod(
      Instant periodStart, EntitlementSnapshot entitled, Duration untilWindowCloses) {
    List<MeteringRecord> records =
        IdentityGuardLog.inForce(
            submissions, usage.sealAndPlan(periodStart, entitled), periodStart);
    Instant sentAt = now();
    List<RecordResult> results =
        activities.submitUntilWindowCloses(records, untilWindowCloses, periodStart);
    Map<RecordStatus, Long> byStatus = submissions.recordResults(periodStart, results);
    long accepted = results.stream().filter(r -> r.status().accepted()).count();
    Workflow.getMetricsScope().counter("hourmeter_records_accepted").inc(accepted);
    Workflow.getMetricsScope()
        .counter("hourmeter_records_not_accepted")
        .inc(results.size() - accepted);
    MeteringMetrics.submitted(results);
    log.info("period {} submitted: {}", periodStart, byStatus);
    submissions.scheduleVerification(periodStart, results, now());
    afterOutage(periodStart, results, sentAt);
  }

  /**
   * Records AWS certainly did not accept before the window closed are carried to the oldest open
   * period; those whose fate is unknown wait for a CloudTrail look. {@code MeteringOutage} flags
   * the customer while either waits (and is cleared here once carried usage went out).
   */
  private void afterOutage(Instant periodStart, List<RecordResult> results, Instant sentAt) {
    long carried = 0;
    for (RecordResult result : results) {
      if (result.status() == RecordStatus.NOT_ACCEPTED) {
        Instant target = usage.carryUnbilled(result.record(), CarriedUsage.NOT_ACCEPTED);
        log.warn(
            "record {} not accepted before its window closed ({}); its usage moved to {}",
            result.record().key(),
            result.detail(),
            target);
        carried++;
      }
    }
    Workflow.getMetricsScope().counter("hourmeter_outage_records_carried").inc(carried);
    submissions.scheduleFateCheck(periodStart, results, sentAt, now());
    visibility.updateOutage();
  }
}
