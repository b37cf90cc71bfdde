package dev.hourmeter.worker.intake;

import dev.hourmeter.client.VisibilityQuery;
import dev.hourmeter.worker.onboarding.CustomerWorkflowStarter;
import dev.hourmeter.workflows.CustomerMeteringWorkflow;
import dev.hourmeter.workflows.MeteringSearchAttributes;
import dev.hourmeter.workflows.model.api.CustomerMeteringInput;
import dev.hourmeter.workflows.model.api.MeteringSubscription;
import io.temporal.api.enums.v1.WorkflowExecutionStatus;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowExecutionAlreadyStarted;
import io.temporal.client.WorkflowExecutionDescription;
import io.temporal.client.WorkflowNotFoundException;
import io.temporal.client.WorkflowOptions;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * Every Temporal call of the lifecycle intake: start a customer's workflow, signal it, find it by
 * agreement. Each is idempotent (events arrive at least once, in any order). Any exception other
 * than the outcomes returned here means Temporal did not take the call: the caller keeps the
 * message for a later try.
 */
public final class LifecycleTemporal {

  /** What a start did. */
  public enum StartOutcome {
    STARTED,
    ALREADY_RUNNING,
    /** The workflow ended before and is not started again (a license, or a duplicate event). */
    ENDED_NOT_RESTARTED
  }

  private final WorkflowClient client;
  private final CustomerWorkflowStarter starter;

  public LifecycleTemporal(WorkflowClient client, String taskQueue) {
    this.client = client;
    this.starter = new CustomerWorkflowStarter(client, taskQueue);
  }

  /**
   * Starts the customer's workflow unless it runs. A workflow that ended is started again only for
   * a legacy customer (no license) whose subscribe event was published after that run closed
   * ({@code eventTime} null: raw SNS delivery, taken as after): a re-subscription, not a duplicate
   * of the event that started the ended run. A license (Concurrent Agreements) is one agreement:
   * once its workflow ended it never restarts ({@code REJECT_DUPLICATE}, so even two racing starts
   * cannot). With an {@code agreementId} (EventBridge), {@code MeteringAgreement} is set at start,
   * so that later events naming only the agreement find the workflow.
   */
  public StartOutcome start(
      MeteringSubscription subscription, Instant eventTime, String agreementId) {
    // The same start options as registration: MeteringAgreement, and REJECT_DUPLICATE for a
    // license.
    WorkflowOptions options = starter.options(subscription, agreementId);
    boolean licensed = subscription.customer().hasLicense();
    Optional<WorkflowExecutionDescription> last = describe(options.getWorkflowId());
    if (last.isPresent()) {
      if (isRunning(last.get())) {
        return StartOutcome.ALREADY_RUNNING;
      }
      Instant closed = Objects.requireNonNullElse(last.get().getCloseTime(), Instant.EPOCH);
      if (licensed || (eventTime != null && !eventTime.isAfter(closed))) {
        return StartOutcome.ENDED_NOT_RESTARTED;
      }
    }
    CustomerMeteringWorkflow stub = client.newWorkflowStub(CustomerMeteringWorkflow.class, options);
    try {
      WorkflowClient.start(stub::run, CustomerMeteringInput.start(subscription));
      return StartOutcome.STARTED;
    } catch (WorkflowExecutionAlreadyStarted e) {
      return isRunning(options.getWorkflowId())
          ? StartOutcome.ALREADY_RUNNING
          : StartOutcome.ENDED_NOT_RESTARTED;
    }
  }

  /** Signals the running workflow {@code workflowId}; false when none runs (a no-op). */
  public boolean signal(String workflowId, String signalName) {
    return signal(workflowId, signalName, null);
  }

  /**
   * Signals {@code workflowId} with one argument ({@code arg} null: none); false when none runs.
   */
  public boolean signal(String workflowId, String signalName, Object arg) {
    try {
      if (arg == null) {
        client.newUntypedWorkflowStub(workflowId).signal(signalName);
      } else {
        client.newUntypedWorkflowStub(workflowId).signal(signalName, arg);
      }
      return true;
    } catch (WorkflowNotFoundException e) {
      return false;
    }
  }

  /**
   * The running workflow of agreement {@code agreementId}, by the {@code MeteringAgreement} search
   * attribute (set at start by whoever knows the agreement: the registration endpoint and the
   * agreement events that start a workflow). Empty when none runs.
   */
  public Optional<String> runningByAgreement(String agreementId) {
    return client
        .listExecutions(agreementQuery(agreementId))
        .map(e -> e.getExecution().getWorkflowId())
        .findFirst();
  }

  /** The visibility query of {@link #runningByAgreement}. */
  static String agreementQuery(String agreementId) {
    return VisibilityQuery.where(MeteringSearchAttributes.AGREEMENT, agreementId)
        .running()
        .toString();
  }

  /** Whether the workflow {@code workflowId} runs now. */
  public boolean isRunning(String workflowId) {
    return describe(workflowId).map(LifecycleTemporal::isRunning).orElse(false);
  }

  private static boolean isRunning(WorkflowExecutionDescription run) {
    return run.getStatus() == WorkflowExecutionStatus.WORKFLOW_EXECUTION_STATUS_RUNNING;
  }

  /** The latest run of {@code workflowId}, empty when there never was one. */
  private Optional<WorkflowExecutionDescription> describe(String workflowId) {
    try {
      return Optional.of(client.newUntypedWorkflowStub(workflowId).describe());
    } catch (WorkflowNotFoundException e) {
      return Optional.empty();
    }
  }
}
