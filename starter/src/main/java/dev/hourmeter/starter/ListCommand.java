package dev.hourmeter.starter;

import dev.hourmeter.client.TemporalConnection;
import dev.hourmeter.client.VisibilityQuery;
import dev.hourmeter.workflows.MeteringSearchAttributes;
import dev.hourmeter.workflows.MeteringWorkflowIds;
import dev.hourmeter.workflows.model.api.CustomerId;
import dev.hourmeter.workflows.model.api.MeteringState;
import io.temporal.api.enums.v1.WorkflowExecutionStatus;
import io.temporal.client.WorkflowExecutionMetadata;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
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
    VisibilityQuery query = visibilityQuery();
    Optional<List<WorkflowExecutionMetadata>> matching = Executions.matching(temporal, query);
    if (matching.isPresent()) {
      verbose("visibility query: " + query);
    } else {
      verbose(
          "visibility query not supported by this server (UNIMPLEMENTED): listing open and"
              + " closed executions and filtering them here");
    }
    List<WorkflowExecutionMetadata> executions =
        matching.orElseGet(() -> Executions.withoutQuery(temporal, true));
    Map<String, Row> latest = new LinkedHashMap<>();
    for (WorkflowExecutionMetadata execution : executions) {
      Row row = toRow(execution);
      if (row == null) {
        continue;
      }
      latest.merge(row.workflowId(), row, ListCommand::newer);
    }
    // Filtered here as well when the server filtered: a run's shown state is its close status
    // first (a run terminated while ENDED matches MeteringState = 'ENDED' but shows TERMINATED).
    List<Row> rows =
        latest.values().stream()
            .filter(this::matches)
            .sorted(Comparator.comparing(Row::workflowId))
            .toList();
    if (rows.isEmpty()) {
      out()
          .println(
              "no metering workflows"
                  + (product == null && state == null && license == null ? "" : " match"));
      return ExitCodes.OK;
    }
    // The LICENSE column only when a listed customer has one.
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
  VisibilityQuery visibilityQuery() {
    VisibilityQuery query =
        Executions.customerWorkflows()
            .andIfGiven(MeteringSearchAttributes.PRODUCT, product)
            .andIfGiven(MeteringSearchAttributes.LICENSE, license)
            .andIfGiven(MeteringSearchAttributes.STATE, state == null ? null : state.name());
    // ACTIVE and SUSPENDED are states of a running workflow: a run closed from outside keeps the
    // attribute it last upserted. (ENDED may be running still: an unsubscribed workflow verifies
    // its final receipts before it completes.)
    return state == MeteringState.ACTIVE || state == MeteringState.SUSPENDED
        ? query.running()
        : query;
  }

  /** A table row, or null for executions that are not customer metering runs worth showing. */
  private static Row toRow(WorkflowExecutionMetadata execution) {
    String workflowId = execution.getExecution().getWorkflowId();
    if (!Executions.isCustomerWorkflow(workflowId, execution.getWorkflowType())
        || execution.getStatus()
            == WorkflowExecutionStatus.WORKFLOW_EXECUTION_STATUS_CONTINUED_AS_NEW) {
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
    try {
      var attributes = execution.getTypedSearchAttributes();
      saProduct = attributes.get(MeteringSearchAttributes.PRODUCT);
      saCustomer = attributes.get(MeteringSearchAttributes.CUSTOMER);
      saLicense = attributes.get(MeteringSearchAttributes.LICENSE);
      saState = attributes.get(MeteringSearchAttributes.STATE);
    } catch (RuntimeException e) {
      // Attributes of an unexpected type: fall back to what the id says.
    }
    String shown = Executions.shownState(execution.getStatus(), saState);
    String rowState = shown != null ? shown : "?";
    return new Row(
        workflowId,
        saProduct != null ? saProduct : idProduct,
        saCustomer != null ? saCustomer : idCustomer,
        saLicense != null
            ? saLicense
            : parsed.map(MeteringWorkflowIds.Parsed::licenseArn).orElse(null),
        rowState,
        execution.getStatus(),
        execution.getStartTime().toEpochMilli());
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
