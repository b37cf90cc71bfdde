package dev.hourmeter.starter;

import com.google.protobuf.ByteString;
import dev.hourmeter.client.TemporalConnection;
import dev.hourmeter.client.VisibilityQuery;
import dev.hourmeter.workflows.MeteringWorkflowIds;
import dev.hourmeter.workflows.model.api.MeteringState;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.temporal.api.common.v1.WorkflowExecution;
import io.temporal.api.enums.v1.WorkflowExecutionStatus;
import io.temporal.api.workflow.v1.WorkflowExecutionInfo;
import io.temporal.api.workflowservice.v1.GetWorkflowExecutionHistoryRequest;
import io.temporal.api.workflowservice.v1.GetWorkflowExecutionHistoryResponse;
import io.temporal.api.workflowservice.v1.ListClosedWorkflowExecutionsRequest;
import io.temporal.api.workflowservice.v1.ListClosedWorkflowExecutionsResponse;
import io.temporal.api.workflowservice.v1.ListOpenWorkflowExecutionsRequest;
import io.temporal.api.workflowservice.v1.ListOpenWorkflowExecutionsResponse;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowExecutionDescription;
import io.temporal.client.WorkflowExecutionMetadata;
import io.temporal.client.WorkflowNotFoundException;
import io.temporal.client.WorkflowTargetOptions;
import io.temporal.common.converter.DataConverter;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * How the client commands read customer workflows: through the SDK's client API, {@code
 * WorkflowStub.describe()} and {@link WorkflowClient#listExecutions(String)}.
 *
 * <p>The in-process dev server (temporal-testing: {@code dev --embedded-temporal}, the commands'
 * tests) answers no visibility query. For it, {@link #withoutQuery} lists the open (and closed)
 * executions with the service's ListOpen/ListClosedWorkflowExecutions, which the SDK's client has
 * no method for, and describes each customer workflow to read its search attributes (that server
 * leaves them out of list results).
 */
final class Executions {

  /** The customer workflow's type (its {@code @WorkflowMethod} name). */
  static final String WORKFLOW_TYPE = "CustomerMetering";

  private static final int PAGE_SIZE = 1000;

  private Executions() {}

  /** The latest run of {@code workflowId}; empty when there never was one. */
  static Optional<WorkflowExecutionDescription> latest(
      TemporalConnection temporal, String workflowId) {
    try {
      return Optional.of(temporal.client().newUntypedWorkflowStub(workflowId).describe());
    } catch (WorkflowNotFoundException e) {
      return Optional.empty();
    }
  }

  /**
   * The identity of the client that started run {@code runId} of {@code workflowId}: the first
   * event of its history (one page of one event, however long the history).
   */
  static String starterIdentity(TemporalConnection temporal, String workflowId, String runId) {
    GetWorkflowExecutionHistoryResponse page =
        temporal
            .service()
            .blockingStub()
            .getWorkflowExecutionHistory(
                GetWorkflowExecutionHistoryRequest.newBuilder()
                    .setNamespace(temporal.settings().namespace())
                    .setExecution(
                        WorkflowExecution.newBuilder()
                            .setWorkflowId(workflowId)
                            .setRunId(runId)
                            .build())
                    .setMaximumPageSize(1)
                    .build());
    if (page.getHistory().getEventsCount() == 0
        || !page.getHistory().getEvents(0).hasWorkflowExecutionStartedEventAttributes()) {
      return null;
    }
    return page.getHistory()
        .getEvents(0)
        .getWorkflowExecutionStartedEventAttributes()
        .getIdentity();
  }

  /** Whether {@code run} runs now. */
  static boolean isRunning(WorkflowExecutionMetadata run) {
    return run.getStatus() == WorkflowExecutionStatus.WORKFLOW_EXECUTION_STATUS_RUNNING;
  }

  /**
   * The state to show for a run: a running run's {@code MeteringState} search attribute (null when
   * it has none); a closed run's close status first. The attribute is what the workflow last
   * upserted, so a run closed from outside (terminated, canceled, timed out, failed) keeps ACTIVE
   * or SUSPENDED there for ever: such a run shows {@code TERMINATED}, {@code CANCELED}, {@code
   * TIMED_OUT} or {@code FAILED}, never an attribute that says it meters. A completed run shows
   * {@code ENDED} (what the workflow upserts before it completes, and what a completed run without
   * the attribute means), or {@code COMPLETED} should its attribute say anything else.
   */
  static String shownState(WorkflowExecutionStatus status, String meteringState) {
    if (status == WorkflowExecutionStatus.WORKFLOW_EXECUTION_STATUS_RUNNING) {
      return meteringState;
    }
    if (status == WorkflowExecutionStatus.WORKFLOW_EXECUTION_STATUS_COMPLETED
        && (meteringState == null || MeteringState.ENDED.name().equals(meteringState))) {
      return MeteringState.ENDED.name();
    }
    return closeName(status);
  }

  /** WORKFLOW_EXECUTION_STATUS_TIMED_OUT -> TIMED_OUT. */
  static String closeName(WorkflowExecutionStatus status) {
    return status.name().replace("WORKFLOW_EXECUTION_STATUS_", "");
  }

  /** The customer workflows' visibility query, {@code WorkflowType = 'CustomerMetering'}. */
  static VisibilityQuery customerWorkflows() {
    return VisibilityQuery.workflowType(WORKFLOW_TYPE);
  }

  /**
   * The executions that match {@code query} (every run, not only the latest of each id); empty when
   * the server answers no visibility query.
   */
  static Optional<List<WorkflowExecutionMetadata>> matching(
      TemporalConnection temporal, VisibilityQuery query) {
    try {
      return Optional.of(temporal.client().listExecutions(query.toString()).toList());
    } catch (StatusRuntimeException e) {
      if (e.getStatus().getCode() == Status.Code.UNIMPLEMENTED) {
        return Optional.empty();
      }
      throw e;
    }
  }

  /**
   * Without a visibility query: the customer workflows' runs that are open, and closed too when
   * {@code closed}, each with its search attributes (continued-as-new runs as listed).
   */
  static List<WorkflowExecutionMetadata> withoutQuery(TemporalConnection temporal, boolean closed) {
    List<WorkflowExecutionInfo> runs = new ArrayList<>(open(temporal));
    if (closed) {
      runs.addAll(closed(temporal));
    }
    DataConverter converter = temporal.client().getOptions().getDataConverter();
    List<WorkflowExecutionMetadata> result = new ArrayList<>();
    for (WorkflowExecutionInfo info : runs) {
      if (isCustomerWorkflow(info.getExecution().getWorkflowId(), info.getType().getName())) {
        result.add(new WorkflowExecutionMetadata(withSearchAttributes(temporal, info), converter));
      }
    }
    return result;
  }

  /** {@code info} with the search attributes that describing the run finds. */
  private static WorkflowExecutionInfo withSearchAttributes(
      TemporalConnection temporal, WorkflowExecutionInfo info) {
    if (info.hasSearchAttributes()
        || info.getStatus() == WorkflowExecutionStatus.WORKFLOW_EXECUTION_STATUS_CONTINUED_AS_NEW) {
      return info;
    }
    try {
      WorkflowExecutionInfo described =
          temporal
              .client()
              .newUntypedWorkflowStub(
                  WorkflowTargetOptions.newBuilder()
                      .setWorkflowExecution(info.getExecution())
                      .build())
              .describe()
              .getWorkflowExecutionInfo();
      return described.hasSearchAttributes()
          ? info.toBuilder().setSearchAttributes(described.getSearchAttributes()).build()
          : info;
    } catch (RuntimeException e) {
      return info; // gone meanwhile: shown with what the list said
    }
  }

  /** Whether an execution is a customer metering workflow (by its id and its type). */
  static boolean isCustomerWorkflow(String workflowId, String workflowType) {
    return workflowId.startsWith(MeteringWorkflowIds.PREFIX) && WORKFLOW_TYPE.equals(workflowType);
  }

  private static List<WorkflowExecutionInfo> open(TemporalConnection temporal) {
    List<WorkflowExecutionInfo> result = new ArrayList<>();
    ByteString token = ByteString.EMPTY;
    do {
      ListOpenWorkflowExecutionsResponse page =
          temporal
              .service()
              .blockingStub()
              .listOpenWorkflowExecutions(
                  ListOpenWorkflowExecutionsRequest.newBuilder()
                      .setNamespace(temporal.settings().namespace())
                      .setMaximumPageSize(PAGE_SIZE)
                      .setNextPageToken(token)
                      .build());
      result.addAll(page.getExecutionsList());
      token = page.getNextPageToken();
    } while (!token.isEmpty());
    return result;
  }

  private static List<WorkflowExecutionInfo> closed(TemporalConnection temporal) {
    List<WorkflowExecutionInfo> result = new ArrayList<>();
    ByteString token = ByteString.EMPTY;
    do {
      ListClosedWorkflowExecutionsResponse page =
          temporal
              .service()
              .blockingStub()
              .listClosedWorkflowExecutions(
                  ListClosedWorkflowExecutionsRequest.newBuilder()
                      .setNamespace(temporal.settings().namespace())
                      .setMaximumPageSize(PAGE_SIZE)
                      .setNextPageToken(token)
                      .build());
      result.addAll(page.getExecutionsList());
      token = page.getNextPageToken();
    } while (!token.isEmpty());
    return result;
  }
}
