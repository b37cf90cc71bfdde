package dev.hourmeter.workflows;

import static dev.hourmeter.workflows.WorkflowTime.now;

import dev.hourmeter.workflows.model.api.AgreementEnd;
import dev.hourmeter.workflows.model.api.AgreementLink;
import dev.hourmeter.workflows.model.api.CustomerMeteringInput;
import dev.hourmeter.workflows.model.api.IdentityMigration;
import dev.hourmeter.workflows.model.api.MeteringStatus;
import dev.hourmeter.workflows.model.api.MigrationResult;
import dev.hourmeter.workflows.state.CustomerState;
import io.temporal.workflow.Promise;
import io.temporal.workflow.TimerOptions;
import io.temporal.workflow.Workflow;
import io.temporal.workflow.WorkflowInfo;
import io.temporal.workflow.WorkflowInit;
import java.time.Duration;
import java.time.Instant;
import org.slf4j.Logger;

/**
 * The customer metering loop: wait for the period to close (or a request), close ended periods,
 * verify due receipts, submit the backlog, continue as new when due; on unsubscribe, flush and end.
 * Deterministic: time comes from {@link Workflow#currentTimeMillis()}, every side effect goes
 * through an activity, every collection iterates in a fixed order. The state lives in {@link
 * CustomerState}; the steps in {@link BacklogProcessor} and {@link ReceiptFollowUp}.
 */
public class CustomerMeteringWorkflowImpl implements CustomerMetering {

  private static final Logger log = Workflow.getLogger(CustomerMeteringWorkflowImpl.class);

  /** After an unsubscribe, at most this many periods bill usage carried past the flush. */
  static final int MAX_LEFTOVER_PERIODS = 48;

  private final CustomerState state;
  private final MeteringVisibility visibility;
  private final BacklogProcessor backlog;
  private final ReceiptFollowUp receipts;
  private final IdentityMigrations migrations;
  private final SubscriptionEnd subscriptionEnd;
  private final AgreementHandOver handOver;

  /** One timer per period close; receipt checks that fell due since the last wake ride on it. */
  private Promise<Void> closeTimer;

  private Instant closeTimerTarget;

  /**
   * Builds the state and registers the usage messages ({@link UsageMessages}, read as raw JSON)
   * before any handler runs: a signal or update can arrive in the workflow's very first task,
   * before {@link #run} starts.
   */
  @WorkflowInit
  public CustomerMeteringWorkflowImpl(CustomerMeteringInput input) {
    state = CustomerState.fromCheckpoint(input.subscription(), input.checkpoint(), now());
    state.billableUsage().onCarried(MeteringMetrics::carried);
    MeteringActivityStubs activities =
        new MeteringActivityStubs(
            input.subscription(), state::currentCustomer, state.succession()::predecessorLicenses);
    visibility = new MeteringVisibility(state);
    migrations = new IdentityMigrations(state, visibility);
    backlog =
        new BacklogProcessor(
            state.backlog(),
            state.billableUsage(),
            state.entitlements(),
            state.submissions(),
            activities,
            visibility,
            state.succession());
    receipts =
        new ReceiptFollowUp(state.submissions(), state.billableUsage(), activities, visibility);
    subscriptionEnd = new SubscriptionEnd(state, visibility);
    handOver = new AgreementHandOver(state, activities, visibility);
    UsageMessages.register(state);
  }

  @Override
  public void run(CustomerMeteringInput input) {
    spreadCloses();
    visibility.upsertState();
    handOver.resume(); // a run continued as new while looking for the successor looks again
    if (state.succession().lastPeriodSubmitted()) {
      forwardUntilEnd();
      return;
    }
    while (true) {
      waitForCloseOrRequest();
      if (subscriptionEnd.requested()) {
        subscriptionEnd.end(); // AWS accepts nothing more: nothing is sent
        return;
      }
      if (state.unsubscribeRequested()) {
        flushAndEnd();
        return;
      }
      if (handOver.hasRequest() && !handOver.accept()) {
        continue; // a history from before hand-overs: the request is ignored, as it was then
      }
      handOver.afterSearch();
      handOver.forwardHeld();
      // A recheck request is served by the backlog pass, which checks entitlements when it has
      // work.
      state.clearEntitlementRecheck();
      state.closeEndedPeriods(now());
      // Receipt checks, usage collection and the entitlement check are local activities that run
      // back to back, so they are recorded in one workflow task (one billable action); submission
      // is a durable activity.
      receipts.runDue();
      backlog.process();
      if (handOver.lastPeriodDone()) {
        finishHandOver();
        return;
      }
      continueAsNewWhenDue();
    }
  }

  /**
   * From {@link WorkflowChanges#CLOSE_SPREAD} on, this run closes each period at the customer's
   * stable offset in its close spread; a run that started before the change (no version marker in
   * its history) keeps closing at the period's end plus grace. Decided once per run, first thing,
   * so every close of a run uses the same rule.
   */
  private void spreadCloses() {
    int version = Workflow.getVersion(WorkflowChanges.CLOSE_SPREAD, Workflow.DEFAULT_VERSION, 1);
    if (version == Workflow.DEFAULT_VERSION) {
      return;
    }
    Duration offset = state.spreadCloses(Workflow.getInfo().getWorkflowId());
    log.debug(
        "periods close {} after their end plus grace (spread {})",
        offset,
        state.subscription().tuning().closeSpread());
  }

  /**
   * The renewed or replaced license's last period was submitted: follow its receipts to their end,
   * then only forward usage to the successor (or end as a cancellation when none appeared).
   */
  private void finishHandOver() {
    followReceiptsWhileForwarding();
    state.holdPendingAfterLastPeriod(now()); // e.g. carried past the last period by an outage
    backlog.reportUnbilledAtEnd();
    handOver.enterForwarding();
    forwardUntilEnd();
  }

  /**
   * Follows the old license's receipts to their end (CloudTrail checks at their due times),
   * meanwhile forwarding usage to the successor as soon as it is known: the checks can take hours.
   */
  private void followReceiptsWhileForwarding() {
    Promise<Void> timer = null;
    Instant timerTarget = null;
    while (!state.submissions().verifications().isEmpty()) {
      Instant next = state.submissions().verifications().nextCheckAt();
      if (next.isAfter(now())) {
        if (timer == null || !next.equals(timerTarget)) {
          timerTarget = next;
          timer =
              Workflow.newTimer(
                  Duration.between(now(), next),
                  TimerOptions.newBuilder().setSummary("check CloudTrail receipts").build());
        }
        Promise<Void> due = timer;
        Workflow.await(
            () ->
                due.isCompleted()
                    || handOver.needsAttention()
                    || state.unsubscribeRequested()
                    || subscriptionEnd.requested()
                    || continueAsNewReason() != null);
        handOver.afterSearch();
        handOver.forwardHeld();
        if (state.unsubscribeRequested() || subscriptionEnd.requested()) {
          return; // forwarding stops (forwardUntilEnd says so); receipts are left unfollowed
        }
        if (!due.isCompleted()) {
          if (!handOver.needsAttention() && continueAsNewReason() != null) {
            continueAsNewFromWait(); // the new run comes back here through the main loop
          }
          continue;
        }
      }
      receipts.runDue();
    }
  }

  /**
   * Forwards usage still addressed to this license to its successor until told to stop; continues
   * as new when the run's limits near. Ends when no successor appeared in time, or it has ended.
   */
  private void forwardUntilEnd() {
    while (true) {
      handOver.afterSearch();
      handOver.forwardHeld();
      if (!handOver.keepsForwarding()) {
        handOver.endWithoutSuccessor();
        return;
      }
      handOver.enterForwarding();
      Workflow.await(
          () ->
              handOver.needsAttention()
                  || state.unsubscribeRequested()
                  || subscriptionEnd.requested()
                  || continueAsNewReason() != null);
      if (state.unsubscribeRequested() || subscriptionEnd.requested()) {
        handOver.stopForwarding(
            subscriptionEnd.requested() ? "subscription ended" : "unsubscribed");
        return;
      }
      if (!handOver.needsAttention() && continueAsNewReason() != null) {
        Workflow.await(Workflow::isEveryHandlerFinished);
        Workflow.continueAsNew(
            new CustomerMeteringInput(state.subscription(), state.toCheckpoint()));
      }
    }
  }

  /**
   * Waits for the close timer or a request. While waiting, the run also continues as new when the
   * server suggests it or the run nears Temporal's per-run signal, update or history limits: a busy
   * customer's messages would otherwise be refused until the next close. No period is closed; the
   * checkpoint carries the open one.
   */
  private void waitForCloseOrRequest() {
    Instant closeAt = state.nextCloseAt();
    Duration wait = Duration.between(now(), closeAt);
    if (!wait.isPositive()) {
      return;
    }
    if (closeTimer == null || !closeAt.equals(closeTimerTarget)) {
      closeTimerTarget = closeAt;
      closeTimer =
          Workflow.newTimer(
              wait, TimerOptions.newBuilder().setSummary(closeTimerSummary()).build());
    }
    Promise<Void> timer = closeTimer;
    visibility.updateDetails();
    while (true) {
      Workflow.await(
          () ->
              timer.isCompleted()
                  || state.unsubscribeRequested()
                  || state.entitlementRecheckRequested()
                  || subscriptionEnd.requested()
                  || handOver.needsAttention()
                  || continueAsNewReason() != null);
      if (timer.isCompleted()
          || state.unsubscribeRequested()
          || state.entitlementRecheckRequested()
          || subscriptionEnd.requested()
          || handOver.needsAttention()) {
        return;
      }
      // Only the limits woke the run.
      continueAsNewFromWait();
    }
  }

  /** "close period P", with the customer's offset in the close spread once the run took it. */
  private String closeTimerSummary() {
    String summary = "close period " + state.backlog().nextPeriodToClose();
    Duration offset = state.closeOffset();
    return offset == null
        ? summary
        : summary
            + " (offset "
            + offset
            + " of spread "
            + state.subscription().tuning().closeSpread()
            + ")";
  }

  private String continueAsNewReason() {
    WorkflowInfo info = Workflow.getInfo();
    return state
        .runLimits()
        .continueAsNewReason(
            info.isContinueAsNewSuggested(), info.getHistoryLength(), info.getHistorySize());
  }

  /**
   * Lets every running handler finish, then continues as new with the open period's usage, the
   * backlog and the remembered report ids in the checkpoint. A message that arrives while the
   * continue-as-new is being completed makes the server refuse that completion; the task runs again
   * with the message applied first, so it is carried too.
   */
  private void continueAsNewFromWait() {
    String reason = continueAsNewReason();
    Workflow.await(Workflow::isEveryHandlerFinished);
    if (state.unsubscribeRequested() || subscriptionEnd.requested() || handOver.hasRequest()) {
      return; // the caller sees the request and flushes (or ends, or hands over) instead
    }
    log.info(
        "continuing as new from the wait ({}), {} signals and {} updates in this run, history"
            + " length {}",
        reason,
        state.runLimits().signals(),
        state.runLimits().updates(),
        Workflow.getInfo().getHistoryLength());
    Workflow.continueAsNew(new CustomerMeteringInput(state.subscription(), state.toCheckpoint()));
  }

  /**
   * Unsubscribe: meter the open period at once, follow every receipt to its end, end. A {@code
   * subscriptionEnded} signal seen meanwhile bills no leftover period (AWS accepts nothing more).
   */
  private void flushAndEnd() {
    handOver.forwardHeld(); // a renewed license unsubscribed: what its successor is owed goes first
    backlog.finalFlush();
    receipts.finishAll();
    // Bounded: an outage outlasting this many periods, or an over-maximum remainder needing more,
    // ends with the rest reported unbilled rather than a history that grows without end.
    for (int leftovers = 0;
        leftovers < MAX_LEFTOVER_PERIODS
            && state.billableUsage().leftoverPeriod() != null
            && !subscriptionEnd.requested()
            && backlog.submitLeftover();
        leftovers++) {
      receipts.finishAll();
    }
    if (subscriptionEnd.requested()) {
      subscriptionEnd.end();
      return;
    }
    backlog.reportUnbilledAtEnd();
    handOver.reportHeldAtEnd();
  }

  private void continueAsNewWhenDue() {
    if (!Workflow.getInfo().isContinueAsNewSuggested() && !state.periodLimitReached()) {
      return;
    }
    Workflow.await(Workflow::isEveryHandlerFinished);
    if (state.unsubscribeRequested() || subscriptionEnd.requested() || handOver.hasRequest()) {
      return; // the next pass flushes (or ends, or hands over) instead
    }
    log.info(
        "continuing as new after {} periods, history length {}",
        state.backlog().closedThisRun(),
        Workflow.getInfo().getHistoryLength());
    Workflow.continueAsNew(new CustomerMeteringInput(state.subscription(), state.toCheckpoint()));
  }

  // ---------------------------------------------------------------- messages

  @Override
  public void entitlementsChanged() {
    state.countSignal();
    state.requestEntitlementRecheck();
  }

  @Override
  public void unsubscribe() {
    state.countSignal();
    state.requestUnsubscribe();
  }

  @Override
  public MigrationResult migrateIdentity(IdentityMigration request) {
    return migrations.migrate(request);
  }

  @Override
  public void validateMigrateIdentity(IdentityMigration request) {
    migrations.validate(request);
  }

  @Override
  public void subscriptionEnded() {
    state.countSignal();
    subscriptionEnd.request();
  }

  @Override
  public void agreementEnded(AgreementEnd end) {
    state.countSignal();
    handOver.request(end);
  }

  @Override
  public void takeOver(AgreementLink predecessor) {
    state.countSignal();
    handOver.takeOver(predecessor);
  }

  @Override
  public MeteringStatus status() {
    return state.toStatus(Workflow.getInfo().getWorkflowId(), now());
  }
}
