package dev.hourmeter.starter;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import dev.hourmeter.client.TemporalConnection;
import dev.hourmeter.workflows.CustomerMeteringWorkflow;
import dev.hourmeter.workflows.MeteringSearchAttributes;
import dev.hourmeter.workflows.model.api.MeteringStatus;
import io.temporal.api.enums.v1.WorkflowExecutionStatus;
import io.temporal.api.history.v1.HistoryEvent;
import io.temporal.client.WorkflowExecutionDescription;
import io.temporal.client.WorkflowExecutionMetadata;
import io.temporal.common.SearchAttributes;
import io.temporal.common.converter.DataConverter;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(
    name = "status",
    mixinStandardHelpOptions = true,
    description = {
      "Show a customer's metering state: open period, pending and carried usage, rejected reports,",
      "and the records of recent periods with AWS's answer. For a closed workflow it also shows how",
      "it closed; a terminated or timed-out one shows the last state known from its history."
    })
final class StatusCommand extends ClientCommand {

  static final ObjectMapper JSON =
      new ObjectMapper()
          .registerModule(new JavaTimeModule())
          .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
          .disable(SerializationFeature.WRITE_DURATIONS_AS_TIMESTAMPS)
          .enable(SerializationFeature.INDENT_OUTPUT);

  @Mixin CustomerOptions customer;

  @Option(
      names = "--json",
      description =
          "Print the status query's answer as JSON (for a closed workflow: how it closed, and the "
              + "query's answer or the last state known from history).")
  boolean json;

  @Override
  protected String workflowId() {
    return customer.workflowId();
  }

  @Override
  protected int run(TemporalConnection temporal) throws JsonProcessingException {
    customer.resolve(temporal);
    WorkflowExecutionDescription run =
        temporal.client().newUntypedWorkflowStub(customer.workflowId()).describe();
    if (Executions.isRunning(run)) {
      MeteringStatus status = query(temporal);
      out()
          .print(
              json
                  ? JSON.writeValueAsString(asJson(status)) + System.lineSeparator()
                  : StatusFormatter.format(status));
      return ExitCodes.OK;
    }
    ClosedRun closed = closedRun(temporal, run);
    out()
        .print(
            json
                ? JSON.writeValueAsString(closed) + System.lineSeparator()
                : ClosedStatusFormatter.format(closed));
    return ExitCodes.OK;
  }

  /**
   * The query's answer, plus {@code licenseArn} for a licensed customer (the table's "license"
   * line), so that a script needs not decode it from the workflow id.
   */
  static ObjectNode asJson(MeteringStatus status) {
    ObjectNode node = JSON.valueToTree(status);
    String license = StatusFormatter.licenseOf(status);
    if (license != null) {
      node.put("licenseArn", license);
    }
    return node;
  }

  private MeteringStatus query(TemporalConnection temporal) {
    return temporal
        .client()
        .newWorkflowStub(CustomerMeteringWorkflow.class, customer.workflowId())
        .status();
  }

  /**
   * A closed run: how it closed, and the status query's answer when the workflow can give it. The
   * SDK answers a query on a closed run by replaying its whole history, which fails for a history
   * the server closed (terminated, timed out: "Unexpected event ... WORKFLOW_EXECUTION_TERMINATED"
   * during replay); for those, and whenever the query fails, the last state comes from the history.
   */
  private ClosedRun closedRun(TemporalConnection temporal, WorkflowExecutionMetadata run) {
    String workflowId = run.getExecution().getWorkflowId();
    String runId = run.getExecution().getRunId();
    List<HistoryEvent> events = temporal.client().fetchHistory(workflowId, runId).getEvents();
    HistoryEvent last = events.get(events.size() - 1);
    String status = ListCommand.statusName(run.getStatus());
    DataConverter converter = temporal.client().getOptions().getDataConverter();
    SearchAttributes attributes = run.getTypedSearchAttributes();
    MeteringStatus answer = null;
    String queryProblem;
    if (replayable(run.getStatus())) {
      try {
        answer = query(temporal);
        queryProblem = null;
      } catch (RuntimeException e) {
        queryProblem = "the query failed (" + firstLine(e) + ")";
      }
    } else {
      queryProblem = "a " + status + " workflow cannot be replayed to answer it";
    }
    return new ClosedRun(
        workflowId,
        runId,
        status,
        RunHistoryReader.instant(last),
        RunHistoryReader.closeReason(last),
        Executions.shownState(run.getStatus(), attributes.get(MeteringSearchAttributes.STATE)),
        attributes.get(MeteringSearchAttributes.STATE),
        attributes.get(MeteringSearchAttributes.VERIFICATION),
        answer,
        queryProblem,
        answer != null ? null : new RunHistoryReader(converter).lastKnown(workflowId, events));
  }

  /** Runs the workflow itself closed: the SDK can replay them to answer a query. */
  private static boolean replayable(WorkflowExecutionStatus status) {
    return switch (status) {
      case WORKFLOW_EXECUTION_STATUS_COMPLETED,
          WORKFLOW_EXECUTION_STATUS_FAILED,
          WORKFLOW_EXECUTION_STATUS_CANCELED ->
          true;
      default -> false;
    };
  }

  private static String firstLine(Throwable e) {
    Throwable root = e;
    while (root.getCause() != null && root.getCause() != root) {
      root = root.getCause();
    }
    String message =
        root.getMessage() == null ? root.getClass().getSimpleName() : root.getMessage();
    return message.lines().findFirst().orElse(message);
  }
}
