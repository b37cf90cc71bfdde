package dev.hourmeter.workflows;

import static dev.hourmeter.workflows.FakeActivityEnvironment.at;
import static dev.hourmeter.workflows.FakeActivityEnvironment.report;
import static dev.hourmeter.workflows.FakeActivityEnvironment.subscription;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import dev.hourmeter.workflows.model.activity.MeteringRecord;
import dev.hourmeter.workflows.model.api.MeteringStatus;
import dev.hourmeter.workflows.model.api.MeteringSubscription;
import io.temporal.api.enums.v1.EventType;
import io.temporal.api.history.v1.HistoryEvent;
import io.temporal.client.WorkflowStub;
import java.math.BigDecimal;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A busy customer nears Temporal's per-run signal and update limits (tuned down to 5 and 3 here):
 * the run continues as new from the wait, without closing the open period, and the period is billed
 * once, exactly, at its close.
 */
class ContinueAsNewFromWaitWorkflowTest {

  private final FakeActivityEnvironment env = new FakeActivityEnvironment();
  private final FakeActivities fakes = env.fakes;

  @AfterEach
  void tearDown() {
    env.close();
  }

  @Test
  void continuesAsNewFromTheWaitWithoutClosingThePeriod() {
    MeteringSubscription subscription =
        subscription(
            "cust-busy",
            t -> t.continueAsNewAfterSignals(5).continueAsNewAfterUpdates(3),
            "requests");
    CustomerMeteringWorkflow first = env.start(subscription);
    String firstRunId = WorkflowStub.fromTyped(first).getExecution().getRunId();
    env.sleepUntil(at(0, 30));
    first.reportUsage(report("u-1", "requests", 2, at(0, 30)));
    first.reportUsage(report("u-2", "requests", 2, at(0, 30)));
    for (int i = 1; i <= 4; i++) {
      first.recordUsage(report("s-" + i, "requests", 1, at(0, 30)));
    }
    env.sleepUntil(at(0, 31));
    assertThat(latest(subscription).status().counters().runs())
        .as("4 signals and 2 updates: below the limits")
        .isEqualTo(1);

    first.recordUsage(report("s-5", "requests", 1, at(0, 31))); // the 5th signal of the run
    env.sleepUntil(at(0, 32));

    MeteringStatus afterSignals = latest(subscription).status();
    assertThat(afterSignals.counters().runs()).as("continued as new").isEqualTo(2);
    assertThat(afterSignals.openPeriodStart()).isEqualTo(at(0, 0));
    assertThat(afterSignals.openPeriodUsage()).isEqualTo(Map.of("requests", BigDecimal.valueOf(9)));
    assertThat(afterSignals.rememberedReportIds()).isEqualTo(7);
    assertThat(afterSignals.counters().reportsAccepted()).isEqualTo(7);
    assertThat(afterSignals.nextCloseAt()).isEqualTo(at(1, 5));
    assertThat(fakes.usage.calls()).as("no period was closed").isZero();
    assertThat(fakes.submission.calls()).isEmpty();
    assertThat(
            env.client
                .fetchHistory(FakeActivityEnvironment.workflowId(subscription), firstRunId)
                .getEvents())
        .extracting(HistoryEvent::getEventType)
        .doesNotContain(EventType.EVENT_TYPE_ACTIVITY_TASK_SCHEDULED)
        .contains(EventType.EVENT_TYPE_WORKFLOW_EXECUTION_CONTINUED_AS_NEW);

    CustomerMeteringWorkflow second = latest(subscription);
    assertThat(second.reportUsage(report("s-1", "requests", 1, at(0, 30))).duplicate())
        .as("a report id from the first run is still a duplicate")
        .isTrue();
    second.reportUsage(report("u-3", "requests", 3, at(0, 33)));
    second.reportUsage(report("u-4", "requests", 3, at(0, 33))); // the 3rd update of the run
    env.sleepUntil(at(0, 34));

    MeteringStatus afterUpdates = latest(subscription).status();
    assertThat(afterUpdates.counters().runs()).as("continued as new again").isEqualTo(3);
    assertThat(afterUpdates.openPeriodUsage())
        .isEqualTo(Map.of("requests", BigDecimal.valueOf(15)));
    assertThat(afterUpdates.counters().duplicateReports()).isEqualTo(1);
    assertThat(fakes.submission.calls()).isEmpty();

    env.sleepUntil(at(1, 10));

    assertThat(fakes.submission.records())
        .extracting(MeteringRecord::timestamp, MeteringRecord::quantity)
        .as("billed once, exactly, at the close")
        .containsExactly(tuple(at(0, 0), 15));
  }

  private CustomerMeteringWorkflow latest(MeteringSubscription subscription) {
    return env.client.newWorkflowStub(
        CustomerMeteringWorkflow.class, FakeActivityEnvironment.workflowId(subscription));
  }
}
