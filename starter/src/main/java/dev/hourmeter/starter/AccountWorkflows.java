package dev.hourmeter.starter;

import dev.hourmeter.client.TemporalConnection;
import dev.hourmeter.workflows.MeteringSearchAttributes;
import io.temporal.api.enums.v1.WorkflowExecutionStatus;
import io.temporal.api.workflow.v1.WorkflowExecutionInfo;
import io.temporal.client.WorkflowExecutionMetadata;
import io.temporal.client.WorkflowNotFoundException;
import io.temporal.client.WorkflowTargetOptions;
import io.temporal.common.SearchAttributes;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/**
 * The customer workflows of a product that meter a given AWS account, found by the {@code
 * MeteringProduct} and {@code MeteringCustomer} search attributes: {@code MeteringCustomer} is the
 * account for a customer started with a 12-digit {@code --customer} (with or without a license) and
 * is upserted to the account by a migration. A legacy customer known only by its {@code
 * CustomerIdentifier} is not found. Like {@link LicenseHolders}: a visibility query, or on servers
 * without one (the in-process dev server) the attributes of each customer workflow listed; a real
 * server's visibility is eventually consistent (typically well under a second behind).
 */
final class AccountWorkflows {

  /** Temporal's statuses of a closed execution that ended its workflow (not ContinuedAsNew). */
  private static final List<String> CLOSED =
      List.of("Completed", "Failed", "Canceled", "Terminated", "TimedOut");

  private AccountWorkflows() {}

  /** The running workflows of {@code product} metering {@code account}, sorted by id. */
  static List<WorkflowExecutionMetadata> running(
      TemporalConnection temporal, String product, String account) {
    List<WorkflowExecutionMetadata> runs =
        Executions.matching(
                temporal,
                Executions.customerWorkflows()
                    .running()
                    .and(MeteringSearchAttributes.PRODUCT, product)
                    .and(MeteringSearchAttributes.CUSTOMER, account))
            .orElseGet(
                () ->
                    Executions.withoutQuery(temporal, false).stream()
                        .filter(run -> Executions.isRunning(run) && meters(run, product, account))
                        .toList());
    return sorted(runs);
  }

  /**
   * The runs of {@code product} metering {@code account} that ended their workflow (closed other
   * than by continuing as new) after {@code since}, sorted by id.
   */
  static List<WorkflowExecutionMetadata> closedAfter(
      TemporalConnection temporal, String product, String account, Instant since) {
    List<WorkflowExecutionMetadata> runs = new ArrayList<>();
    for (String status : CLOSED) {
      Optional<List<WorkflowExecutionMetadata>> matching =
          Executions.matching(
              temporal,
              Executions.customerWorkflows()
                  .executionStatus(status)
                  .and(MeteringSearchAttributes.PRODUCT, product)
                  .and(MeteringSearchAttributes.CUSTOMER, account));
      if (matching.isEmpty()) {
        runs =
            Executions.withoutQuery(temporal, true).stream()
                .filter(run -> endedWorkflow(run) && meters(run, product, account))
                .map(run -> withCloseTime(temporal, run))
                .toList();
        break;
      }
      runs.addAll(matching.get());
    }
    return sorted(
        runs.stream()
            .filter(run -> run.getCloseTime() != null && run.getCloseTime().isAfter(since))
            .toList());
  }

  /**
   * {@code run} with its close time, which the in-process server's list of closed runs leaves out:
   * described when missing.
   */
  private static WorkflowExecutionMetadata withCloseTime(
      TemporalConnection temporal, WorkflowExecutionMetadata run) {
    if (run.getCloseTime() != null) {
      return run;
    }
    try {
      WorkflowExecutionInfo described =
          temporal
              .client()
              .newUntypedWorkflowStub(
                  WorkflowTargetOptions.newBuilder()
                      .setWorkflowExecution(run.getExecution())
                      .build())
              .describe()
              .getWorkflowExecutionInfo();
      if (!described.hasCloseTime()) {
        return run;
      }
      return new WorkflowExecutionMetadata(
          run.getWorkflowExecutionInfo().toBuilder().setCloseTime(described.getCloseTime()).build(),
          temporal.client().getOptions().getDataConverter());
    } catch (WorkflowNotFoundException e) {
      return run; // gone meanwhile (retention): closed long ago
    }
  }

  /** The run's {@code MeteringLicense}; null for a customer metered without a license. */
  static String license(WorkflowExecutionMetadata run) {
    String license = run.getTypedSearchAttributes().get(MeteringSearchAttributes.LICENSE);
    return license == null || license.isBlank() ? null : license;
  }

  private static boolean endedWorkflow(WorkflowExecutionMetadata run) {
    return !Executions.isRunning(run)
        && run.getStatus() != WorkflowExecutionStatus.WORKFLOW_EXECUTION_STATUS_CONTINUED_AS_NEW;
  }

  private static boolean meters(WorkflowExecutionMetadata run, String product, String account) {
    SearchAttributes attributes = run.getTypedSearchAttributes();
    return product.equals(attributes.get(MeteringSearchAttributes.PRODUCT))
        && account.equals(attributes.get(MeteringSearchAttributes.CUSTOMER));
  }

  private static List<WorkflowExecutionMetadata> sorted(List<WorkflowExecutionMetadata> runs) {
    return runs.stream()
        .sorted(Comparator.comparing(run -> run.getExecution().getWorkflowId()))
        .toList();
  }
}
