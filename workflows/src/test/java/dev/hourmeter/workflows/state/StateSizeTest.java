package dev.hourmeter.workflows.state;

import static org.assertj.core.api.Assertions.assertThat;

import dev.hourmeter.workflows.model.api.CustomerId;
import dev.hourmeter.workflows.model.api.MeteringSubscription;
import dev.hourmeter.workflows.model.api.PricingModel;
import dev.hourmeter.workflows.model.api.UsageEntry;
import dev.hourmeter.workflows.model.api.UsageReceipt;
import dev.hourmeter.workflows.model.api.UsageReport;
import dev.hourmeter.workflows.model.checkpoint.MeteringCheckpoint;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The state stays within its byte budget at full capacity, and the budget degrades by cutting. */
class StateSizeTest {

  private static final Logger log = LoggerFactory.getLogger(StateSizeTest.class);
  private static final Instant NOW = Instant.parse("2026-11-26T00:30:00Z");
  private static final MeteringSubscription SUBSCRIPTION =
      MeteringSubscription.of(
          "prod-1",
          CustomerId.parse("cust-1"),
          List.of("requests"),
          PricingModel.SUBSCRIPTION,
          Duration.ofHours(1));

  @Test
  void aFullDedupMemoryNeverForgetsEarlyAndItsCheckpointFitsTheBudget() {
    CustomerState state = CustomerState.fromCheckpoint(SUBSCRIPTION, null, NOW);
    int capacity = SUBSCRIPTION.tuning().maxRememberedReports();
    for (int i = 0; i < capacity; i++) {
      UsageReport report = report(longId(i));
      assertThat(state.problems(report, NOW)).isEmpty();
      state.apply(report, NOW);
    }
    // Rejected reports with the longest reasons the validator can write.
    List<String> huge = Collections.nCopies(1000, "usage[0].dimension: '" + "d".repeat(10_000));
    IntStream.range(0, 60).forEach(i -> state.reject("x".repeat(10_000), NOW, huge));

    assertThat(state.problems(report("one-more"), NOW))
        .singleElement()
        .asString()
        .contains("dedup memory holds " + capacity + " report ids")
        .contains("retry later");
    UsageReport first = report(longId(0));
    assertThat(state.problems(first, NOW)).isEmpty();
    UsageReceipt again = state.apply(first, NOW);
    assertThat(again.duplicate()).as("the first id of the horizon is still known").isTrue();

    MeteringCheckpoint checkpoint = state.toCheckpoint();
    int bytes = PayloadBudget.sizeOf(checkpoint);
    log.info("checkpoint at full dedup memory ({} ids of 256 chars): {} bytes", capacity, bytes);
    assertThat(bytes).isLessThan(PayloadBudget.CHECKPOINT_BYTES);
    assertThat(checkpoint.rememberedReports()).hasSize(capacity);
    assertThat(checkpoint.rejectedReports())
        .allSatisfy(r -> assertThat(r.reason().length() + r.reportId().length()).isLessThan(1200));
    CustomerState next = CustomerState.fromCheckpoint(SUBSCRIPTION, checkpoint, NOW);
    assertThat(next.apply(first, NOW).duplicate()).as("and across continue-as-new").isTrue();
  }

  @Test
  void overBudgetTheHistoryListsAreCutNewestKeptWithACount() {
    List<String> rejected =
        IntStream.range(0, 50).mapToObj(i -> "r" + i + "-" + "x".repeat(900)).toList();
    List<String> recent =
        IntStream.range(0, 40).mapToObj(i -> "s" + i + "-" + "y".repeat(900)).toList();

    PayloadBudget.Fitted<List<String>> fitted =
        PayloadBudget.fit(
            20_000,
            PayloadBudget.Limits.all(rejected.size(), recent.size(), 0),
            keep -> {
              List<String> all = new ArrayList<>(keep.keepRejected(rejected));
              all.addAll(keep.keepRecent(recent));
              return all;
            });

    assertThat(fitted.bytes()).isLessThanOrEqualTo(20_000);
    assertThat(fitted.value()).contains("s39-" + "y".repeat(900)).doesNotContain(rejected.get(0));
    assertThat(fitted.omitted()).contains("50 rejected reports").contains("recent records");
  }

  private static String longId(int i) {
    return String.format("%06d", i) + "-" + "i".repeat(249);
  }

  private static UsageReport report(String id) {
    return new UsageReport(id, List.of(UsageEntry.now("requests", 1)));
  }
}
