package dev.hourmeter.workflows;

import static dev.hourmeter.workflows.FakeActivityEnvironment.at;
import static dev.hourmeter.workflows.FakeActivityEnvironment.report;
import static dev.hourmeter.workflows.FakeActivityEnvironment.subscription;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.tuple;

import dev.hourmeter.workflows.model.activity.MeteringRecord;
import dev.hourmeter.workflows.model.api.MeteringStatus;
import dev.hourmeter.workflows.model.api.MeteringSubscription;
import dev.hourmeter.workflows.model.api.RejectedReport;
import dev.hourmeter.workflows.model.api.UsageEntry;
import dev.hourmeter.workflows.model.api.UsageReceipt;
import dev.hourmeter.workflows.model.api.UsageReport;
import io.temporal.api.enums.v1.EventType;
import io.temporal.client.WorkflowUpdateException;
import java.math.BigDecimal;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The recordUsage signal and the reportUsage update: validation and idempotency. */
class UsageMessagesWorkflowTest {

  private final FakeActivityEnvironment env = new FakeActivityEnvironment();

  @AfterEach
  void tearDown() {
    env.close();
  }

  @Test
  void aBadSignalIsKeptAsARejectedReportWithTheReason() {
    CustomerMeteringWorkflow workflow = env.start(subscription("cust-signal", "requests"));
    env.sleepUntil(at(0, 30));

    workflow.recordUsage(report("r-bogus", "bogus", 1, at(0, 30)));
    workflow.recordUsage(new UsageReport(" ", List.of(UsageEntry.now("requests", -3))));

    MeteringStatus status = workflow.status();
    assertThat(status.rejectedReports())
        .extracting(RejectedReport::reportId, RejectedReport::reason)
        .containsExactly(
            tuple("r-bogus", "usage[0].dimension: 'bogus' is not one of [requests]"),
            tuple(
                " ",
                "id: is required (it makes delivery idempotent); "
                    + "usage[0].quantity: must be >= 0, got -3"));
    assertThat(status.rejectedReports())
        .extracting(RejectedReport::receivedAt)
        .allMatch(t -> !t.isBefore(at(0, 30)) && t.isBefore(at(0, 31)));
    assertThat(status.counters().rejectedReports()).isEqualTo(2);
    assertThat(status.counters().reportsAccepted()).isZero();
    assertThat(status.openPeriodUsage()).isEmpty();
  }

  @Test
  void theUpdateValidatorRefusesSynchronouslyWithoutChangingState() {
    MeteringSubscription subscription = subscription("cust-update", "requests");
    CustomerMeteringWorkflow workflow = env.start(subscription);
    env.sleepUntil(at(0, 30));
    MeteringStatus before = workflow.status();

    assertThatThrownBy(() -> workflow.reportUsage(report("r-1", "bogus", 1, at(0, 30))))
        .isInstanceOf(WorkflowUpdateException.class)
        .rootCause()
        .hasMessageContaining("usage[0].dimension: 'bogus' is not one of [requests]");

    MeteringStatus after = workflow.status();
    assertThat(after.counters()).isEqualTo(before.counters());
    assertThat(after.rejectedReports()).isEmpty();
    assertThat(after.rememberedReportIds()).isZero();
    assertThat(
            env.client.fetchHistory(FakeActivityEnvironment.workflowId(subscription)).getEvents())
        .as("a refused update writes nothing to history")
        .noneMatch(
            e -> e.getEventType() == EventType.EVENT_TYPE_WORKFLOW_EXECUTION_UPDATE_ACCEPTED);

    UsageReceipt accepted = workflow.reportUsage(report("r-1", "requests", 1, at(0, 30)));
    assertThat(accepted.duplicate()).as("the refused id was not remembered").isFalse();
  }

  @Test
  void aRepeatedReportIdIsANoOp() {
    CustomerMeteringWorkflow workflow = env.start(subscription("cust-dup", "requests"));
    env.sleepUntil(at(0, 30));

    UsageReceipt first = workflow.reportUsage(report("r-1", "requests", 5, at(0, 30)));
    UsageReceipt second = workflow.reportUsage(report("r-1", "requests", 5, at(0, 30)));
    workflow.recordUsage(report("r-1", "requests", 5, at(0, 30)));

    assertThat(first.duplicate()).isFalse();
    assertThat(first.periods()).containsExactly(at(0, 0));
    assertThat(second.duplicate()).isTrue();
    assertThat(second.periods()).isEmpty();
    MeteringStatus status = workflow.status();
    assertThat(status.openPeriodUsage()).isEqualTo(Map.of("requests", BigDecimal.valueOf(5)));
    assertThat(status.counters().duplicateReports()).isEqualTo(2);
    assertThat(status.counters().reportsAccepted()).isEqualTo(1);

    env.sleepUntil(at(1, 10));

    assertThat(env.fakes.submission.records())
        .extracting(MeteringRecord::quantity)
        .containsExactly(5);
  }
}
