package dev.hourmeter.starter;

import com.google.protobuf.ByteString;
import dev.hourmeter.client.TemporalConnection;
import dev.hourmeter.workflows.MeteringSearchAttributes;
import dev.hourmeter.workflows.MeteringWorkflowIds;
import dev.hourmeter.workflows.model.CustomerId;
import dev.hourmeter.workflows.model.MeteringState;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.temporal.api.enums.v1.WorkflowExecutionStatus;
import io.temporal.api.workflow.v1.WorkflowExecutionInfo;
import io.temporal.api.workflowservice.v1.DescribeWorkflowExecutionRequest;
import io.temporal.api.workflowservice.v1.ListClosedWorkflowExecutionsRequest;
import io.temporal.api.workflowservice.v1.ListClosedWorkflowExecutionsResponse;
import io.temporal.api.workflowservice.v1.ListOpenWorkflowExecutionsRequest;
import io.temporal.api.workflowservice.v1.ListOpenWorkflowExecutionsResponse;
import io.temporal.api.workflowservice.v1.ListWorkflowExecutionsRequest;
import io.temporal.api.workflowservice.v1.ListWorkflowExecutionsResponse;
import io.temporal.client.WorkflowExecutionMetadata;
import io.temporal.common.converter.DefaultDataConverter;
import io.temporal.serviceclient.WorkflowServiceStubs;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(
    name = "list",
    mixinStandardHelpOptions = true,
    description = {
      "List customer metering workflows (the latest run of each).",
      "Uses the visibility query on the Metering* search attributes; on servers without it",
      "(the in-process dev server) it lists open and closed executions and filters them here."
    })
final class ListCommand extends ClientCommand {

  static final String WORKFLOW_TYPE = "CustomerMetering";
  private static final int PAGE_SIZE = 1000;

  @Option(names = "--product", paramLabel = "CODE", description = "Only this product.")
  String product;

  @Option(
      names = "--license",
      paramLabel = "ARN",
      description = "Only the customer with this license (the MeteringLicense search attribute).")
  String license;

  @Option(
      names = "--state",
      paramLabel = "STATE",
      description = "Only this state: ${COMPLETION-CANDIDATES}.")
  MeteringState state;

  /** One row of the table. */
  record Row(
      String workflowId,
      String product,
      String customer,
      String license,
      String state,
      WorkflowExecutionStatus status,
      long startMillis) {}

  @Override
  protected int run(TemporalConnection temporal) {
    if (product != null && (product.contains("'") || product.contains("\\"))) {
      throw CliException.badInput("--product: must not contain quotes or backslashes");
    }
    if (license != null && CustomerId.licenseArnProblem(license) != null) {
      throw CliException.badInput("--license: " + CustomerId.licenseArnProblem(license));
    }
    List<WorkflowExecutionInfo> executions;
    boolean filteredByServer = true;
    String query = visibilityQuery();
    try {
      executions = listWithQuery(temporal, query);
      verbose("visibility query: " + query);
    } catch (StatusRuntimeException e) {
      if (e.getStatus().getCode() != Status.Code.UNIMPLEMENTED) {
        throw e;
      }
      verbose(
          "visibility query not supported by this server ("
              + e.getStatus().getCode()
              + "): listing open and closed executions and filtering them here");
      executions = withSearchAttributes(temporal, listOpenAndClosed(temporal));
      filteredByServer = false;
    }
    Map<String, Row> latest = new LinkedHashMap<>();
    for (WorkflowExecutionInfo info : executions) {
      Row row = toRow(info);
      if (row == null) {
        continue;
      }
      latest.merge(row.workflowId(), row, ListCommand::newer);
    }
    boolean filterHere = !filteredByServer;
    List<Row> rows =
        latest.values().stream()
            .filter(r -> !filterHere || matches(r))
            .sorted(Comparator.comparing(Row::workflowId))
            .toList();
    if (rows.isEmpty()) {
      out()
          .println(
              "no metering workflows"
                  + (product == null && state == null && license == null ? "" : " match"));
      return ExitCodes.OK;
    }
    // The LICENSE column only when a listed customer has one: unlicensed lists look as before.
    boolean licenses = rows.stream().anyMatch(r -> r.license() != null);
    StringBuilder b = new StringBuilder();
    List<String> header = new ArrayList<>(List.of("WORKFLOW ID", "PRODUCT", "CUSTOMER"));
    if (licenses) {
      header.add("LICENSE");
    }
    header.addAll(List.of("STATE", "STATUS"));
    StatusFormatter.table(
        b,
        header,
        rows.stream()
            .map(
                r -> {
                  List<String> cells =
                      new ArrayList<>(List.of(r.workflowId(), r.product(), r.customer()));
                  if (licenses) {
                    cells.add(r.license() == null ? "-" : r.license());
                  }
                  cells.addAll(List.of(r.state(), statusName(r.status())));
                  return cells;
                })
            .toList());
    out().print(b);
    return ExitCodes.OK;
  }

  /** With --verbose: how the list was obtained, on stderr (stdout stays the table). */
  private void verbose(String line) {
    if (verbose) {
      err().println(line);
      err().flush();
    }
  }

  /**
   * The visibility query for the options: workflow type, and product, license and state when given.
   */
  String visibilityQuery() {
    StringBuilder query = new StringBuilder("WorkflowType = '" + WORKFLOW_TYPE + "'");
    if (product != null) {
      query
          .append(" AND ")
          .append(MeteringSearchAttributes.PRODUCT.getName())
          .append(" = '")
          .append(product)
          .append("'");
    }
    if (license != null) {
      query
          .append(" AND ")
          .append(MeteringSearchAttributes.LICENSE.getName())
          .append(" = '")
          .append(license)
          .append("'");
    }
    if (state != null) {
      query
          .append(" AND ")
          .append(MeteringSearchAttributes.STATE.getName())
          .append(" = '")
          .append(state.name())
          .append("'");
    }
    return query.toString();
  }

  private List<WorkflowExecutionInfo> listWithQuery(TemporalConnection temporal, String query) {
    WorkflowServiceStubs service = temporal.service();
    List<WorkflowExecutionInfo> result = new ArrayList<>();
    ByteString token = ByteString.EMPTY;
    do {
      ListWorkflowExecutionsResponse page =
          service
              .blockingStub()
              .listWorkflowExecutions(
                  ListWorkflowExecutionsRequest.newBuilder()
                      .setNamespace(temporal.settings().namespace())
                      .setQuery(query)
                      .setPageSize(PAGE_SIZE)
                      .setNextPageToken(token)
                      .build());
      result.addAll(page.getExecutionsList());
      token = page.getNextPageToken();
    } while (!token.isEmpty());
    return result;
  }

  private List<WorkflowExecutionInfo> listOpenAndClosed(TemporalConnection temporal) {
    WorkflowServiceStubs service = temporal.service();
    String namespace = temporal.settings().namespace();
    List<WorkflowExecutionInfo> result = new ArrayList<>();
    ByteString token = ByteString.EMPTY;
    do {
      ListOpenWorkflowExecutionsResponse page =
          service
              .blockingStub()
              .listOpenWorkflowExecutions(
                  ListOpenWorkflowExecutionsRequest.newBuilder()
                      .setNamespace(namespace)
                      .setMaximumPageSize(PAGE_SIZE)
                      .setNextPageToken(token)
                      .build());
      result.addAll(page.getExecutionsList());
      token = page.getNextPageToken();
    } while (!token.isEmpty());
    token = ByteString.EMPTY;
    do {
      ListClosedWorkflowExecutionsResponse page =
          service
              .blockingStub()
              .listClosedWorkflowExecutions(
                  ListClosedWorkflowExecutionsRequest.newBuilder()
                      .setNamespace(namespace)
                      .setMaximumPageSize(PAGE_SIZE)
                      .setNextPageToken(token)
                      .build());
      result.addAll(page.getExecutionsList());
      token = page.getNextPageToken();
    } while (!token.isEmpty());
    return result;
  }

  /**
   * The in-process dev server leaves search attributes out of list results but has them in
   * DescribeWorkflowExecution: fill them in for metering workflows.
   */
  private static List<WorkflowExecutionInfo> withSearchAttributes(
      TemporalConnection temporal, List<WorkflowExecutionInfo> executions) {
    List<WorkflowExecutionInfo> result = new ArrayList<>();
    for (WorkflowExecutionInfo info : executions) {
      if (info.hasSearchAttributes()
          || !info.getExecution().getWorkflowId().startsWith(MeteringWorkflowIds.PREFIX)
          || info.getStatus()
              == WorkflowExecutionStatus.WORKFLOW_EXECUTION_STATUS_CONTINUED_AS_NEW) {
        result.add(info);
        continue;
      }
      try {
        WorkflowExecutionInfo described =
            temporal
                .service()
                .blockingStub()
                .describeWorkflowExecution(
                    DescribeWorkflowExecutionRequest.newBuilder()
                        .setNamespace(temporal.settings().namespace())
                        .setExecution(info.getExecution())
                        .build())
                .getWorkflowExecutionInfo();
        result.add(
            described.hasSearchAttributes()
                ? info.toBuilder().setSearchAttributes(described.getSearchAttributes()).build()
                : info);
      } catch (StatusRuntimeException e) {
        result.add(info);
      }
    }
    return result;
  }

  /** A table row, or null for executions that are not customer metering runs worth showing. */
  private static Row toRow(WorkflowExecutionInfo info) {
    String workflowId = info.getExecution().getWorkflowId();
    if (!workflowId.startsWith(MeteringWorkflowIds.PREFIX)
        || !WORKFLOW_TYPE.equals(info.getType().getName())
        || info.getStatus() == WorkflowExecutionStatus.WORKFLOW_EXECUTION_STATUS_CONTINUED_AS_NEW) {
      return null;
    }
    // An id from before escaping whose product or customer held a '/' does not parse: the search
    // attributes tell then.
    var parsed = MeteringWorkflowIds.parse(workflowId);
    String idProduct = parsed.map(MeteringWorkflowIds.Parsed::productCode).orElse("?");
    String idCustomer = parsed.map(MeteringWorkflowIds.Parsed::customer).orElse("?");
    String saProduct = null;
    String saCustomer = null;
    String saLicense = null;
    String saState = null;
    if (info.hasSearchAttributes()) {
      try {
        var attributes =
            new WorkflowExecutionMetadata(info, DefaultDataConverter.STANDARD_INSTANCE)
                .getTypedSearchAttributes();
        saProduct = attributes.get(MeteringSearchAttributes.PRODUCT);
        saCustomer = attributes.get(MeteringSearchAttributes.CUSTOMER);
        saLicense = attributes.get(MeteringSearchAttributes.LICENSE);
        saState = attributes.get(MeteringSearchAttributes.STATE);
      } catch (RuntimeException e) {
        // Attributes of an unexpected type: fall back to what the id says.
      }
    }
    String rowState =
        saState != null
            ? saState
            : info.getStatus() == WorkflowExecutionStatus.WORKFLOW_EXECUTION_STATUS_COMPLETED
                ? MeteringState.ENDED.name()
                : "?";
    return new Row(
        workflowId,
        saProduct != null ? saProduct : idProduct,
        saCustomer != null ? saCustomer : idCustomer,
        saLicense != null
            ? saLicense
            : parsed.map(MeteringWorkflowIds.Parsed::licenseArn).orElse(null),
        rowState,
        info.getStatus(),
        info.getStartTime().getSeconds() * 1000 + info.getStartTime().getNanos() / 1_000_000);
  }

  private boolean matches(Row row) {
    return (product == null || product.equals(row.product()))
        && (license == null || license.equals(row.license()))
        && (state == null || state.name().equals(row.state()));
  }

  /** The run to show for a workflow id: a running one, else the one started last. */
  private static Row newer(Row a, Row b) {
    boolean aRunning = a.status() == WorkflowExecutionStatus.WORKFLOW_EXECUTION_STATUS_RUNNING;
    boolean bRunning = b.status() == WorkflowExecutionStatus.WORKFLOW_EXECUTION_STATUS_RUNNING;
    if (aRunning != bRunning) {
      return aRunning ? a : b;
    }
    return b.startMillis() > a.startMillis() ? b : a;
  }

  /** WORKFLOW_EXECUTION_STATUS_TIMED_OUT -> TimedOut, as the Temporal UI and CLI spell it. */
  static String statusName(WorkflowExecutionStatus status) {
    String raw = status.name().replace("WORKFLOW_EXECUTION_STATUS_", "");
    StringBuilder name = new StringBuilder();
    for (String part : raw.split("_")) {
      if (!part.isEmpty()) {
        name.append(part.charAt(0)).append(part.substring(1).toLowerCase(Locale.ROOT));
      }
    }
    return name.toString();
  }
}
