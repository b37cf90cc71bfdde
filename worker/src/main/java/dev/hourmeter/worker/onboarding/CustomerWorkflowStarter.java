package dev.hourmeter.worker.onboarding;

import dev.hourmeter.workflows.CustomerMeteringWorkflow;
import dev.hourmeter.workflows.MeteringOptions;
import dev.hourmeter.workflows.MeteringSearchAttributes;
import dev.hourmeter.workflows.model.api.CustomerMeteringInput;
import dev.hourmeter.workflows.model.api.MeteringSubscription;
import io.temporal.api.common.v1.WorkflowExecution;
import io.temporal.api.enums.v1.WorkflowExecutionStatus;
import io.temporal.api.enums.v1.WorkflowIdReusePolicy;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowExecutionAlreadyStarted;
import io.temporal.client.WorkflowOptions;
import io.temporal.common.SearchAttributes;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Starts a customer's workflow for onboarding (the registration endpoint, agreement events): the
 * same options as {@code ./hourmeter start} ({@link MeteringOptions#customerWorkflow}), plus the
 * agreement id as the {@code MeteringAgreement} search attribute. Idempotent: a customer already
 * running is left alone.
 *
 * <p>A licensed customer (Concurrent Agreements) is never started twice, not even after its
 * workflow ended: a license does not come back (a new agreement has a new LicenseArn), so a late
 * registration or creation event for an ended license is a no-op ({@link Outcome#ALREADY_ENDED}). A
 * legacy customer who subscribes again after ending gets a new run.
 */
public final class CustomerWorkflowStarter {

  private static final Logger log = LoggerFactory.getLogger(CustomerWorkflowStarter.class);

  /** What {@link #start} did. */
  public enum Outcome {
    STARTED,
    ALREADY_RUNNING,
    /** A licensed customer whose workflow already ended: not started again. */
    ALREADY_ENDED
  }

  /** The workflow id, and the run id when {@link Outcome#STARTED}. */
  public record StartResult(Outcome outcome, String workflowId, String runId) {}

  private final WorkflowClient client;
  private final String taskQueue;

  public CustomerWorkflowStarter(WorkflowClient client, String taskQueue) {
    this.client = Objects.requireNonNull(client, "client");
    this.taskQueue = Objects.requireNonNull(taskQueue, "taskQueue");
  }

  /**
   * Starts {@code subscription}'s workflow unless it runs (or, licensed, ran) already.
   *
   * @param agreementId the AWS agreement ({@code agmt-...}) kept as {@code MeteringAgreement}, or
   *     null
   * @throws io.temporal.client.WorkflowServiceException when Temporal cannot be reached or refuses
   *     the start (the caller retries or reports it)
   */
  public StartResult start(MeteringSubscription subscription, String agreementId) {
    WorkflowOptions options = options(subscription, agreementId);
    CustomerMeteringWorkflow workflow =
        client.newWorkflowStub(CustomerMeteringWorkflow.class, options);
    try {
      WorkflowExecution execution =
          WorkflowClient.start(workflow::run, CustomerMeteringInput.start(subscription));
      log.info(
          "started {} (run {}){}",
          execution.getWorkflowId(),
          execution.getRunId(),
          agreementId == null ? "" : " for agreement " + agreementId);
      return new StartResult(Outcome.STARTED, execution.getWorkflowId(), execution.getRunId());
    } catch (WorkflowExecutionAlreadyStarted e) {
      String id = options.getWorkflowId();
      WorkflowExecutionStatus status = client.newUntypedWorkflowStub(id).describe().getStatus();
      Outcome outcome =
          status == WorkflowExecutionStatus.WORKFLOW_EXECUTION_STATUS_RUNNING
              ? Outcome.ALREADY_RUNNING
              : Outcome.ALREADY_ENDED;
      log.info("{} not started: {}", id, outcome == Outcome.ALREADY_RUNNING ? "running" : status);
      return new StartResult(outcome, id, null);
    }
  }

  /**
   * The start options of a customer onboarded by registration or a lifecycle event: {@link
   * MeteringOptions#customerWorkflow} with the agreement, and {@code REJECT_DUPLICATE} for a
   * license.
   */
  public WorkflowOptions options(MeteringSubscription subscription, String agreementId) {
    WorkflowOptions base = MeteringOptions.customerWorkflow(taskQueue, subscription);
    WorkflowOptions.Builder options = WorkflowOptions.newBuilder(base);
    if (agreementId != null && !agreementId.isBlank()) {
      options.setTypedSearchAttributes(
          SearchAttributes.newBuilder(base.getTypedSearchAttributes())
              .set(MeteringSearchAttributes.AGREEMENT, agreementId)
              .build());
    }
    if (subscription.customer().hasLicense()) {
      // A license never comes back once ended: a closed run blocks a new start.
      options.setWorkflowIdReusePolicy(
          WorkflowIdReusePolicy.WORKFLOW_ID_REUSE_POLICY_REJECT_DUPLICATE);
    }
    return options.build();
  }
}
