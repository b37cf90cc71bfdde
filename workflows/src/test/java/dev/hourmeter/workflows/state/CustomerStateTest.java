package dev.hourmeter.workflows.state;

import static org.assertj.core.api.Assertions.assertThat;

import dev.hourmeter.workflows.model.activity.EntitlementSnapshot;
import dev.hourmeter.workflows.model.activity.MeteringRecord;
import dev.hourmeter.workflows.model.activity.ReceiptStatus;
import dev.hourmeter.workflows.model.activity.RecordResult;
import dev.hourmeter.workflows.model.activity.RecordStatus;
import dev.hourmeter.workflows.model.activity.UsageAllocation;
import dev.hourmeter.workflows.model.api.CustomerId;
import dev.hourmeter.workflows.model.api.MeteringStatus;
import dev.hourmeter.workflows.model.api.MeteringSubscription;
import dev.hourmeter.workflows.model.api.PricingModel;
import dev.hourmeter.workflows.model.api.UsageEntry;
import dev.hourmeter.workflows.model.api.UsageReport;
import dev.hourmeter.workflows.model.checkpoint.MeteringCheckpoint;
import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class CustomerStateTest {

  private static final Instant H00 = Instant.parse("2026-11-26T00:00:00Z");
  private static final MeteringSubscription SUBSCRIPTION =
      MeteringSubscription.of(
          "prod-1",
          CustomerId.parse("cust-1"),
          List.of("requests"),
          PricingModel.SUBSCRIPTION,
          Duration.ofHours(1));

  @Test
  void theCheckpointRoundTripsAndCountsANewRun() {
    CustomerState state = CustomerState.fromCheckpoint(SUBSCRIPTION, null, at(0, 20));
    state.apply(report("r-1", 5, at(0, 30)), at(0, 30));
    state.reject("r-bad", at(0, 31), List.of("usage: must contain at least one entry"));
    state.apply(report("r-2", 2, at(1, 30)), at(1, 30));
    state.closeEndedPeriods(at(2, 5)); // 00:00 and 01:00
    state.backlog().removeOldest();
    List<MeteringRecord> records = state.billableUsage().sealAndPlan(H00, entitled());
    List<RecordResult> results =
        List.of(new RecordResult(records.get(0), RecordStatus.SUCCESS, "mr-1", null));
    state.submissions().recordResults(H00, results);
    state.submissions().scheduleVerification(H00, results, at(2, 5));
    state.submissions().markReceipt(records.get(0), ReceiptStatus.RESENT);
    state.entitlements().remember(entitled(), at(2, 5));

    MeteringCheckpoint checkpoint = state.toCheckpoint();
    CustomerState next = CustomerState.fromCheckpoint(SUBSCRIPTION, checkpoint, at(2, 6));
    MeteringCheckpoint again = next.toCheckpoint();

    assertThat(again.counters().runs()).isEqualTo(checkpoint.counters().runs() + 1);
    assertThat(again)
        .usingRecursiveComparison()
        .ignoringFields("counters.runs")
        .isEqualTo(checkpoint);
    assertThat(checkpoint.backlog()).hasSize(1);
    assertThat(checkpoint.pending()).hasSize(1);
    assertThat(checkpoint.rememberedReports()).hasSize(2);
    assertThat(checkpoint.verifications()).hasSize(1);
    assertThat(checkpoint.entitlements().checkedAt()).isEqualTo(at(2, 0));
  }

  @Test
  void taggedUsageSurvivesTheCheckpointAndIsSplitIntoAllocations() {
    CustomerState state = CustomerState.fromCheckpoint(SUBSCRIPTION, null, at(0, 20));
    state.apply(
        new UsageReport(
            "r-1",
            List.of(
                new UsageEntry("requests", BigDecimal.valueOf(4), null, Map.of("team", "a")),
                new UsageEntry("requests", BigDecimal.valueOf(1), null))),
        at(0, 30));
    // Continue-as-new before the close: the tagged part travels in the checkpoint.
    CustomerState next =
        CustomerState.fromCheckpoint(SUBSCRIPTION, state.toCheckpoint(), at(0, 40));
    next.closeEndedPeriods(at(1, 5));
    next.backlog().removeOldest();

    MeteringRecord record = next.billableUsage().sealAndPlan(H00, entitled()).get(0);

    assertThat(record.quantity()).isEqualTo(5);
    assertThat(record.usageAllocations())
        .containsExactly(
            new UsageAllocation(BigDecimal.ONE, Map.of()),
            new UsageAllocation(BigDecimal.valueOf(4), Map.of("team", "a")));
    assertThat(next.toCheckpoint().taggedPending()).as("tags never outlive their usage").isEmpty();
  }

  @Test
  void theStatusShowsTheStateAndTheOpenPeriodApart() {
    CustomerState state = CustomerState.fromCheckpoint(SUBSCRIPTION, null, at(0, 20));
    state.apply(report("r-1", 5, at(0, 30)), at(0, 30));
    state.apply(report("r-2", 2, at(1, 30)), at(1, 30));
    state.closeEndedPeriods(at(1, 30));
    state.nextCloseAt();

    MeteringStatus status = state.toStatus("wf-1", at(1, 30));

    assertThat(status.workflowId()).isEqualTo("wf-1");
    assertThat(status.openPeriodStart()).isEqualTo(at(1, 0));
    assertThat(status.openPeriodUsage()).isEqualTo(Map.of("requests", BigDecimal.valueOf(2)));
    assertThat(status.unsubmitted()).extracting(p -> p.periodStart()).containsExactly(H00);
    assertThat(status.backlog()).hasSize(1);
    assertThat(status.nextCloseAt()).isEqualTo(at(2, 5));
    assertThat(status.rememberedReportIds()).isEqualTo(2);
  }

  private static EntitlementSnapshot entitled() {
    return new EntitlementSnapshot(true, "", Map.of(), null, null);
  }

  private static UsageReport report(String id, long quantity, Instant at) {
    return new UsageReport(id, List.of(new UsageEntry("requests", quantity, at.toString())));
  }

  private static Instant at(int hours, int minutes) {
    return H00.plus(Duration.ofHours(hours)).plus(Duration.ofMinutes(minutes));
  }
}
