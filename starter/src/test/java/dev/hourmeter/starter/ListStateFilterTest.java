package dev.hourmeter.starter;

import static io.temporal.api.enums.v1.WorkflowExecutionStatus.WORKFLOW_EXECUTION_STATUS_CANCELED;
import static io.temporal.api.enums.v1.WorkflowExecutionStatus.WORKFLOW_EXECUTION_STATUS_COMPLETED;
import static io.temporal.api.enums.v1.WorkflowExecutionStatus.WORKFLOW_EXECUTION_STATUS_FAILED;
import static io.temporal.api.enums.v1.WorkflowExecutionStatus.WORKFLOW_EXECUTION_STATUS_RUNNING;
import static io.temporal.api.enums.v1.WorkflowExecutionStatus.WORKFLOW_EXECUTION_STATUS_TERMINATED;
import static io.temporal.api.enums.v1.WorkflowExecutionStatus.WORKFLOW_EXECUTION_STATUS_TIMED_OUT;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/**
 * {@code list}'s state filter and the state shown for a run: a closed run is never ACTIVE or
 * SUSPENDED, whatever its MeteringState search attribute says (issue 19's probe).
 */
class ListStateFilterTest {

  private static ListCommand list(String... args) {
    CommandLine cli = StarterMain.commandLine(Map.of());
    String[] all = new String[args.length + 1];
    all[0] = "list";
    System.arraycopy(args, 0, all, 1, args.length);
    cli.parseArgs(all);
    return cli.getSubcommands().get("list").getCommand();
  }

  @Test
  void activeAndSuspendedAreAskedOfRunningWorkflowsOnly() {
    assertThat(list("--state", "ACTIVE").visibilityQuery().toString())
        .isEqualTo(
            "WorkflowType = 'CustomerMetering' AND MeteringState = 'ACTIVE'"
                + " AND ExecutionStatus = 'Running'");
    assertThat(list("--product", "p", "--state", "suspended").visibilityQuery().toString())
        .isEqualTo(
            "WorkflowType = 'CustomerMetering' AND MeteringProduct = 'p'"
                + " AND MeteringState = 'SUSPENDED' AND ExecutionStatus = 'Running'");
  }

  @Test
  void endedAndNoStateKeepClosedRuns() {
    // An unsubscribed workflow is ENDED while it still runs (verifying its final receipts).
    assertThat(list("--state", "ENDED").visibilityQuery().toString())
        .isEqualTo("WorkflowType = 'CustomerMetering' AND MeteringState = 'ENDED'");
    assertThat(list().visibilityQuery().toString()).isEqualTo("WorkflowType = 'CustomerMetering'");
  }

  @Test
  void aClosedRunShowsHowItClosedBeforeItsAttribute() {
    assertThat(Executions.shownState(WORKFLOW_EXECUTION_STATUS_TERMINATED, "ACTIVE"))
        .isEqualTo("TERMINATED");
    assertThat(Executions.shownState(WORKFLOW_EXECUTION_STATUS_CANCELED, "SUSPENDED"))
        .isEqualTo("CANCELED");
    assertThat(Executions.shownState(WORKFLOW_EXECUTION_STATUS_TIMED_OUT, "ACTIVE"))
        .isEqualTo("TIMED_OUT");
    assertThat(Executions.shownState(WORKFLOW_EXECUTION_STATUS_FAILED, null)).isEqualTo("FAILED");
    assertThat(Executions.shownState(WORKFLOW_EXECUTION_STATUS_TERMINATED, "ENDED"))
        .isEqualTo("TERMINATED");
    assertThat(Executions.shownState(WORKFLOW_EXECUTION_STATUS_COMPLETED, "ENDED"))
        .isEqualTo("ENDED");
    assertThat(Executions.shownState(WORKFLOW_EXECUTION_STATUS_COMPLETED, null)).isEqualTo("ENDED");
    assertThat(Executions.shownState(WORKFLOW_EXECUTION_STATUS_COMPLETED, "ACTIVE"))
        .isEqualTo("COMPLETED");
  }

  @Test
  void aRunningRunShowsItsAttribute() {
    assertThat(Executions.shownState(WORKFLOW_EXECUTION_STATUS_RUNNING, "SUSPENDED"))
        .isEqualTo("SUSPENDED");
    assertThat(Executions.shownState(WORKFLOW_EXECUTION_STATUS_RUNNING, "ENDED"))
        .isEqualTo("ENDED");
    assertThat(Executions.shownState(WORKFLOW_EXECUTION_STATUS_RUNNING, null)).isNull();
  }
}
