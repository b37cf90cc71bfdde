package dev.hourmeter.workflows;

import static dev.hourmeter.workflows.WorkflowTime.now;

import dev.hourmeter.workflows.model.activity.ReceiptStatus;
import dev.hourmeter.workflows.model.activity.RecordResult;
import dev.hourmeter.workflows.model.activity.SentRecord;
import dev.hourmeter.workflows.model.api.MeteringTuning;
import dev.hourmeter.workflows.model.checkpoint.CarriedUsage;
import dev.hourmeter.workflows.model.checkpoint.VerificationTask;
import dev.hourmeter.workflows.state.ReceiptFollowUpPlanner;
import dev.hourmeter.workflows.state.ReceiptFollowUpPlanner.Carry;
import dev.hourmeter.workflows.state.ReceiptFollowUpPlanner.CheckAgain;
import dev.hourmeter.workflows.state.ReceiptFollowUpPlanner.Done;
import dev.hourmeter.workflows.state.ReceiptFollowUpPlanner.FollowUp;
import dev.hourmeter.workflows.state.ReceiptFollowUpPlanner.Resend;
import dev.hourmeter.workflows.state.ReceiptFollowUpPlanner.ResendPlan;
import dev.hourmeter.workflows.state.ReceiptFollowUpPlanner.TaskPlan;
import dev.hourmeter.workflows.state.ReceiptFollowUpPlanner.Unverified;
import dev.hourmeter.workflows.state.Submissions;
import dev.hourmeter.workflows.state.UsageCarrier;
import io.temporal.failure.ActivityFailure;
import io.temporal.workflow.TimerOptions;
import io.temporal.workflow.Workflow;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import org.slf4j.Logger;

/**
 * Carries out {@link ReceiptFollowUpPlanner}'s decisions: one CloudTrail lookup for every due
 * period, then per period the re-send (an activity) or the UNVERIFIED mark (and the search
 * attribute). Receipt checks ride on the period-close timer; only after unsubscribe do they get
 * timers of their own.
 */
final class ReceiptFollowUp {

  private static final Logger log = Workflow.getLogger(ReceiptFollowUp.class);

  private final Submissions submissions;
  private final UsageCarrier carrier;
  private final MeteringActivityStubs activities;
  private final MeteringVisibility visibility;
  private final MeteringTuning tuning;

  ReceiptFollowUp(
      Submissions submissions,
      UsageCarrier carrier,
      MeteringActivityStubs activities,
      MeteringVisibility visibility) {
    this.submissions = submissions;
    this.carrier = carrier;
    this.activities = activities;
    this.visibility = visibility;
    this.tuning = submissions.tuning();
  }

  /** Looks up every due period's records in one VerifyReceipts call and follows up on each. */
  void runDue() {
    List<VerificationTask> due =
        ReceiptFollowUpPlanner.due(submissions.verifications().tasks(), now());
    if (due.isEmpty()) {
      return;
    }
    List<SentRecord> records = due.stream().flatMap(t -> t.records().stream()).toList();
    Set<String> found;
    boolean lookupFailed = false;
    try {
      found = ReceiptFollowUpPlanner.foundKeys(activities.verifyReceipts(records, due.size()));
    } catch (ActivityFailure e) {
      log.warn("CloudTrail lookup failed; checking again later", e);
      found = Set.of();
      lookupFailed = true;
    }
    submissions.verifications().removeAll(due);
    long verified = 0;
    for (VerificationTask task : due) {
      // Time is read per task: a re-send for an earlier task may have taken a while.
      Instant now = now();
      TaskPlan plan =
          ReceiptFollowUpPlanner.plan(
              task,
              found,
              lookupFailed,
              now,
              submissions.windowDeadline(task.periodStart()),
              tuning);
      plan.verified().forEach(r -> submissions.markReceipt(r.record(), ReceiptStatus.VERIFIED));
      verified += plan.verified().size();
      followUp(task.periodStart(), plan.followUp(), now);
    }
    submissions.countReceipts(verified, 0, 0);
    visibility.updateOutage();
    visibility.updateDetails();
  }

  /** After unsubscribe: keeps checking until every accepted record is verified or UNVERIFIED. */
  void finishAll() {
    while (!submissions.verifications().isEmpty()) {
      Duration wait = Duration.between(now(), submissions.verifications().nextCheckAt());
      if (wait.isPositive()) {
        Workflow.newTimer(
                wait, TimerOptions.newBuilder().setSummary("check CloudTrail receipts").build())
            .get();
      }
      runDue();
    }
  }

  private void followUp(Instant period, FollowUp followUp, Instant now) {
    switch (followUp) {
      case Done done -> {}
      case CheckAgain again -> submissions.verifications().add(again.task());
      case Unverified unverified -> markUnverified(unverified);
      case Resend resend -> resend(period, resend, now);
      case Carry carry -> carry(period, carry);
    }
  }

  /**
   * Records of unknown fate CloudTrail did not show: AWS did not bill them; their usage moves on.
   */
  private void carry(Instant period, Carry carry) {
    for (SentRecord sent : carry.records()) {
      Instant target = carrier.carryUnbilled(sent.record(), CarriedUsage.NOT_IN_CLOUDTRAIL);
      log.warn(
          "record {} of {} not in CloudTrail after the outage; its usage moved to {}",
          sent.record().key(),
          period,
          target);
    }
    Workflow.getMetricsScope()
        .counter("hourmeter_outage_records_carried")
        .inc(carry.records().size());
  }

  private void resend(Instant period, Resend resend, Instant sentAt) {
    log.warn(
        "{} record(s) of {} not in CloudTrail; re-sending them unchanged",
        resend.records().size(),
        period);
    List<RecordResult> results =
        activities.submit(
            IdentityGuardLog.inForce(submissions, resend.records(), period),
            resend.untilWindowCloses(),
            period);
    ResendPlan plan = ReceiptFollowUpPlanner.afterResend(period, results, sentAt, now(), tuning);
    plan.resent().forEach(r -> submissions.markReceipt(r.record(), ReceiptStatus.RESENT));
    submissions.countReceipts(0, plan.resent().size(), 0);
    if (plan.checkAgain() != null) {
      submissions.verifications().add(plan.checkAgain());
    }
    if (plan.unverified() != null) {
      markUnverified(plan.unverified());
    }
  }

  private void markUnverified(Unverified unverified) {
    List<SentRecord> records = unverified.records();
    records.forEach(r -> submissions.markReceipt(r.record(), ReceiptStatus.UNVERIFIED));
    submissions.countReceipts(0, 0, records.size());
    MeteringMetrics.unverified(records.size());
    log.error(
        "{} record(s) UNVERIFIED ({}): {}",
        records.size(),
        unverified.why(),
        records.stream().map(r -> r.record().key()).toList());
    visibility.flagUnverified();
  }
}
