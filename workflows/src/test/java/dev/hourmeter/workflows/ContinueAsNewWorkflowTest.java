package dev.hourmeter.workflows;

import static dev.hourmeter.workflows.FakeActivityEnvironment.at;
import static dev.hourmeter.workflows.FakeActivityEnvironment.report;
import static dev.hourmeter.workflows.FakeActivityEnvironment.subscription;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import dev.hourmeter.workflows.model.activity.MeteringRecord;
import dev.hourmeter.workflows.model.api.MeteringStatus;
import dev.hourmeter.workflows.model.api.RejectedReport;
import dev.hourmeter.workflows.model.api.SubmittedRecord;
import dev.hourmeter.workflows.model.api.UsageReceipt;
import dev.hourmeter.workflows.model.checkpoint.BacklogPeriod;
import dev.hourmeter.workflows.model.checkpoint.PeriodUsage;
import dev.hourmeter.workflows.model.checkpoint.VerificationTask;
import java.math.BigDecimal;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Continue-as-new after three periods loses nothing the status shows or the next run needs. */
class ContinueAsNewWorkflowTest {

  private final FakeActivityEnvironment env = new FakeActivityEnvironment();
  private final FakeActivities fakes = env.fakes;

  @AfterEach
  void tearDown() {
    env.close();
  }

  @Test
  void continueAsNewCarriesTheWholeState() {
    fakes.receipts.visibleWhen(r -> false); // verifications stay open across the new run
    CustomerMeteringWorkflow workflow =
        env.start(subscription("cust-can", t -> t.continueAsNewAfterPeriods(3), "requests"));
    env.sleepUntil(at(0, 30));
    workflow.reportUsage(report("r-1", "requests", 5, at(0, 30)));
    workflow.recordUsage(report("r-bad", "bogus", 1, at(0, 30)));
    env.sleepUntil(at(2, 30));
    workflow.reportUsage(report("r-2", "requests", 2, at(2, 30)));
    fakes.usage.failing(true); // 02:00 cannot be collected at 03:05: it stays in the backlog

    env.sleepUntil(at(3, 10)); // continued as new after the 03:05 close

    MeteringStatus status = workflow.status();
    assertThat(status.counters().runs()).as("a second run").isEqualTo(2);
    assertThat(status.backlog()).containsExactly(new BacklogPeriod(at(2, 0), false));
    assertThat(status.unsubmitted())
        .contains(new PeriodUsage(at(2, 0), Map.of("requests", BigDecimal.valueOf(2))));
    assertThat(status.stateReason()).contains("usage source failed for " + at(2, 0));
    assertThat(status.rejectedReports())
        .extracting(RejectedReport::reportId)
        .containsExactly("r-bad");
    assertThat(status.recentRecords())
        .extracting(SubmittedRecord::periodStart, SubmittedRecord::quantity)
        .containsExactly(tuple(at(0, 0), BigDecimal.valueOf(5)), tuple(at(1, 0), BigDecimal.ZERO));
    assertThat(status.verifications())
        .extracting(VerificationTask::periodStart)
        .containsExactly(at(0, 0), at(1, 0));
    assertThat(status.counters().recordsAccepted()).isEqualTo(2);
    assertThat(status.counters().reportsAccepted()).isEqualTo(2);
    assertThat(status.counters().rejectedReports()).isEqualTo(1);
    assertThat(status.rememberedReportIds()).isEqualTo(2);

    UsageReceipt again = workflow.reportUsage(report("r-1", "requests", 5, at(0, 30)));
    assertThat(again.duplicate()).as("report ids are remembered across runs").isTrue();

    fakes.usage.failing(false);
    env.sleepUntil(at(4, 10));

    assertThat(fakes.submission.records())
        .filteredOn(r -> r.timestamp().equals(at(2, 0)))
        .extracting(MeteringRecord::quantity)
        .containsExactly(2);
    assertThat(fakes.entitlements.calls())
        .as("the entitlement answer of 01:05 is reused by the new run")
        .isEqualTo(1);
    assertThat(workflow.status().counters().duplicateReports()).isEqualTo(1);
  }
}
