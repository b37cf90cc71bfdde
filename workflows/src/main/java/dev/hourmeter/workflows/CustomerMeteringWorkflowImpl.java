package dev.hourmeter.workflows;

import static dev.hourmeter.workflows.WorkflowTime.now;

import dev.hourmeter.workflows.model.CustomerMeteringInput;
import dev.hourmeter.workflows.model.MeteringStatus;
import dev.hourmeter.workflows.state.CustomerState;
import io.temporal.workflow.Promise;
import io.temporal.workflow.TimerOptions;
import io.temporal.workflow.Workflow;
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

  private final CustomerState state;
  private final MeteringVisibility visibility;
  private final BacklogProcessor backlog;
  private final ReceiptFollowUp receipts;

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
    MeteringActivityStubs activities = new MeteringActivityStubs(input.subscription());
    visibility = new MeteringVisibility(state);
    backlog = new BacklogProcessor(state, activities, visibility);
    receipts = new ReceiptFollowUp(state, activities, visibility);
    UsageMessages.register(state);
  }

  @Override
  public void run(CustomerMeteringInput input) {
    visibility.upsertState();
    while (true) {
      waitForCloseOrRequest();
      if (state.unsubscribeRequested()) {
        flushAndEnd();
        return;
      }
      // A recheck request is served by the backlog pass, which checks entitlements when it has
      // work.
      state.clearEntitlementRecheck();
      state.closeEndedPeriods(now());
      // Receipt checks, usage collection and the entitlement check are local activities that run
      // back to back, so they are recorded in one workflow task (one billable action); submission
      // is a durable activity.
      receipts.runDue();
      backlog.process();
      continueAsNewWhenDue();
    }
  }

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
              wait,
              TimerOptions.newBuilder()
                  .setSummary("close period " + state.backlog().nextPeriodToClose())
                  .build());
    }
    Promise<Void> timer = closeTimer;
    visibility.updateDetails();
    Workflow.await(
        () ->
            timer.isCompleted()
                || state.unsubscribeRequested()
                || state.entitlementRecheckRequested());
  }

  /** Unsubscribe: meter the open period at once, follow every receipt to its end, end. */
  private void flushAndEnd() {
    backlog.finalFlush();
    receipts.finishAll();
  }

  private void continueAsNewWhenDue() {
    if (!Workflow.getInfo().isContinueAsNewSuggested() && !state.periodLimitReached()) {
      return;
    }
    Workflow.await(Workflow::isEveryHandlerFinished);
    if (state.unsubscribeRequested()) {
      return; // the next pass flushes and ends instead
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
    state.requestEntitlementRecheck();
  }

  @Override
  public void unsubscribe() {
    state.requestUnsubscribe();
  }

  @Override
  public MeteringStatus status() {
    return state.toStatus(Workflow.getInfo().getWorkflowId(), now());
  }
}
