package dev.hourmeter.starter;

import com.google.protobuf.ByteString;
import dev.hourmeter.client.TemporalConnection;
import dev.hourmeter.workflows.MeteringSearchAttributes;
import dev.hourmeter.workflows.MeteringWorkflowIds;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.temporal.api.common.v1.WorkflowExecution;
import io.temporal.api.enums.v1.WorkflowExecutionStatus;
import io.temporal.api.workflow.v1.WorkflowExecutionInfo;
import io.temporal.api.workflowservice.v1.ListOpenWorkflowExecutionsRequest;
import io.temporal.api.workflowservice.v1.ListOpenWorkflowExecutionsResponse;
import io.temporal.api.workflowservice.v1.ListWorkflowExecutionsRequest;
import io.temporal.api.workflowservice.v1.ListWorkflowExecutionsResponse;
import io.temporal.client.WorkflowExecutionMetadata;
import io.temporal.common.SearchAttributes;
import java.util.List;
import java.util.TreeSet;

/**
 * The running customer workflows of a product that meter a given LicenseArn, found by the {@code
 * MeteringLicense} search attribute: set at start for a licensed customer, upserted by a migration
 * (whose workflow keeps its legacy id). Guards {@code start} and {@code migrate} against billing
 * one license from two workflows, and lets {@code status}/{@code usage}/{@code unsubscribe} find a
 * migrated customer by its license. Uses a visibility query; on servers without one (the in-process
 * dev server) it lists the open executions and reads each one's attributes. A real server's
 * visibility is eventually consistent (typically well under a second behind).
 */
final class LicenseHolders {

  private static final int PAGE_SIZE = 1000;

  private LicenseHolders() {}

  /** Ids of running workflows of {@code product} metering {@code licenseArn}, sorted. */
  static List<String> running(TemporalConnection temporal, String product, String licenseArn) {
    String query =
        "WorkflowType = '"
            + ListCommand.WORKFLOW_TYPE
            + "' AND ExecutionStatus = 'Running' AND "
            + MeteringSearchAttributes.PRODUCT.getName()
            + " = '"
            + product
            + "' AND "
            + MeteringSearchAttributes.LICENSE.getName()
            + " = '"
            + licenseArn
            + "'";
    TreeSet<String> ids = new TreeSet<>();
    try {
      ByteString token = ByteString.EMPTY;
      do {
        ListWorkflowExecutionsResponse page =
            temporal
                .service()
                .blockingStub()
                .listWorkflowExecutions(
                    ListWorkflowExecutionsRequest.newBuilder()
                        .setNamespace(temporal.settings().namespace())
                        .setQuery(query)
                        .setPageSize(PAGE_SIZE)
                        .setNextPageToken(token)
                        .build());
        page.getExecutionsList().forEach(e -> ids.add(e.getExecution().getWorkflowId()));
        token = page.getNextPageToken();
      } while (!token.isEmpty());
      return List.copyOf(ids);
    } catch (StatusRuntimeException e) {
      if (e.getStatus().getCode() != Status.Code.UNIMPLEMENTED) {
        throw e;
      }
    }
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
      for (WorkflowExecutionInfo info : page.getExecutionsList()) {
        String id = info.getExecution().getWorkflowId();
        if (id.startsWith(MeteringWorkflowIds.PREFIX)
            && ListCommand.WORKFLOW_TYPE.equals(info.getType().getName())
            && holds(temporal, info.getExecution(), product, licenseArn)) {
          ids.add(id);
        }
      }
      token = page.getNextPageToken();
    } while (!token.isEmpty());
    return List.copyOf(ids);
  }

  private static boolean holds(
      TemporalConnection temporal, WorkflowExecution execution, String product, String license) {
    WorkflowExecutionInfo info = CustomerOptions.describe(temporal, execution.getWorkflowId());
    if (info == null
        || info.getStatus() != WorkflowExecutionStatus.WORKFLOW_EXECUTION_STATUS_RUNNING) {
      return false;
    }
    SearchAttributes attributes =
        new WorkflowExecutionMetadata(info, temporal.client().getOptions().getDataConverter())
            .getTypedSearchAttributes();
    return product.equals(attributes.get(MeteringSearchAttributes.PRODUCT))
        && license.equals(attributes.get(MeteringSearchAttributes.LICENSE));
  }
}
