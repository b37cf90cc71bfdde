package dev.hourmeter.workflows;

import static dev.hourmeter.workflows.FakeActivityEnvironment.at;
import static dev.hourmeter.workflows.FakeActivityEnvironment.report;
import static dev.hourmeter.workflows.FakeActivityEnvironment.subscription;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import dev.hourmeter.workflows.model.activity.MeteringRecord;
import dev.hourmeter.workflows.model.activity.RecordStatus;
import dev.hourmeter.workflows.model.api.MeteringState;
import dev.hourmeter.workflows.model.api.MeteringStatus;
import dev.hourmeter.workflows.model.api.MeteringSubscription;
import dev.hourmeter.workflows.model.api.SubmittedRecord;
import dev.hourmeter.workflows.model.checkpoint.BacklogPeriod;
import dev.hourmeter.workflows.model.checkpoint.PeriodUsage;
import java.math.BigDecimal;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Closed periods wait in the backlog while they cannot be submitted, and none is lost. */
class BacklogWorkflowTest {

  private final FakeActivityEnvironment env = new FakeActivityEnvironment();
  private final FakeActivities fakes = env.fakes;

  @AfterEach
  void tearDown() {
    env.close();
  }

  @Test
  void aFailedEntitlementCheckKeepsTheBacklogAndItIsSubmittedOnceTheCheckWorks() {
    fakes.entitlements.failWith("GetEntitlements unavailable");
    CustomerMeteringWorkflow workflow = env.start(subscription("cust-ent", "requests"));
    env.sleepUntil(at(0, 30));
    workflow.reportUsage(report("r-1", "requests", 5, at(0, 30)));

    env.sleepUntil(at(2, 10)); // the 01:05 and 02:05 closes both failed to check

    MeteringStatus kept = workflow.status();
    assertThat(fakes.entitlements.calls()).isEqualTo(2);
    assertThat(fakes.submission.calls()).isEmpty();
    assertThat(kept.state()).isEqualTo(MeteringState.ACTIVE);
    assertThat(kept.stateReason())
        .contains("entitlement check failed")
        .contains("GetEntitlements unavailable");
    assertThat(kept.backlog())
        .containsExactly(new BacklogPeriod(at(0, 0), true), new BacklogPeriod(at(1, 0), true));
    assertThat(kept.unsubmitted())
        .contains(new PeriodUsage(at(0, 0), Map.of("requests", BigDecimal.valueOf(5))));

    fakes.entitlements.answerEntitled(true);
    env.sleepUntil(at(3, 10));

    MeteringStatus submitted = workflow.status();
    assertThat(submitted.backlog()).isEmpty();
    assertThat(submitted.stateReason()).isEmpty();
    assertThat(fakes.submission.records())
        .extracting(MeteringRecord::timestamp, MeteringRecord::quantity)
        .containsExactly(tuple(at(0, 0), 5), tuple(at(1, 0), 0), tuple(at(2, 0), 0));
    assertThat(submitted.counters().recordsAccepted()).isEqualTo(3);
  }

  @Test
  void notEntitledSuspendsUntilEntitlementsChange() {
    fakes.entitlements.answerEntitled(false);
    MeteringSubscription subscription = subscription("cust-suspended", "requests");
    CustomerMeteringWorkflow workflow = env.start(subscription);

    env.sleepUntil(at(2, 10));

    assertThat(workflow.status().state()).isEqualTo(MeteringState.SUSPENDED);
    assertThat(workflow.status().stateReason()).isEqualTo("not entitled: no unexpired entitlement");
    assertThat(env.searchAttribute(subscription, MeteringSearchAttributes.STATE))
        .isEqualTo("SUSPENDED");
    assertThat(workflow.status().backlog()).hasSize(2);
    assertThat(fakes.submission.calls()).isEmpty();

    fakes.entitlements.answerEntitled(true);
    workflow.entitlementsChanged();
    env.sleepUntil(at(2, 20)); // resumes at once, not at the next close

    MeteringStatus resumed = workflow.status();
    assertThat(resumed.state()).isEqualTo(MeteringState.ACTIVE);
    assertThat(env.searchAttribute(subscription, MeteringSearchAttributes.STATE))
        .isEqualTo("ACTIVE");
    assertThat(resumed.backlog()).isEmpty();
    assertThat(resumed.recentRecords())
        .extracting(SubmittedRecord::periodStart, SubmittedRecord::status)
        .containsExactly(
            tuple(at(0, 0), RecordStatus.SUCCESS), tuple(at(1, 0), RecordStatus.SUCCESS));
  }
}
