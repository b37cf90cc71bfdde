package dev.hourmeter.workflows;

import static dev.hourmeter.workflows.FakeActivityEnvironment.at;
import static dev.hourmeter.workflows.FakeActivityEnvironment.report;
import static dev.hourmeter.workflows.FakeActivityEnvironment.subscription;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import dev.hourmeter.workflows.model.activity.MeteringRecord;
import dev.hourmeter.workflows.model.activity.ReceiptStatus;
import dev.hourmeter.workflows.model.api.MeteringState;
import dev.hourmeter.workflows.model.api.MeteringStatus;
import dev.hourmeter.workflows.model.api.MeteringSubscription;
import dev.hourmeter.workflows.model.api.SubmittedRecord;
import io.temporal.client.WorkflowStub;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Unsubscribe meters the open period at once, follows its receipts to the end, and ends. */
class UnsubscribeWorkflowTest {

  private final FakeActivityEnvironment env = new FakeActivityEnvironment();

  @AfterEach
  void tearDown() {
    env.close();
  }

  @Test
  void unsubscribeFlushesTheOpenPeriodVerifiesItAndEnds() {
    MeteringSubscription subscription = subscription("cust-bye", "requests");
    CustomerMeteringWorkflow workflow = env.start(subscription);
    env.sleepUntil(at(1, 57));
    workflow.reportUsage(report("r-1", "requests", 6, at(1, 57)));
    workflow.reportUsage(report("r-future", "requests", 1, at(2, 1))); // within the future skew

    workflow.unsubscribe();
    WorkflowStub.fromTyped(workflow).getResult(Void.class);

    assertThat(env.fakes.submission.records())
        .extracting(MeteringRecord::timestamp, MeteringRecord::quantity)
        .containsExactly(tuple(at(0, 0), 0), tuple(at(1, 0), 7));
    MeteringStatus status = workflow.status();
    assertThat(status.state()).isEqualTo(MeteringState.ENDED);
    assertThat(status.stateReason())
        .isEqualTo("unsubscribed; final period " + at(1, 0) + " flushed");
    assertThat(status.nextCloseAt()).isNull();
    assertThat(status.verifications()).isEmpty();
    assertThat(status.recentRecords())
        .extracting(SubmittedRecord::receipt)
        .containsOnly(ReceiptStatus.VERIFIED);
    assertThat(env.searchAttribute(subscription, MeteringSearchAttributes.STATE))
        .isEqualTo("ENDED");
  }
}
