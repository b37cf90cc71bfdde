package dev.hourmeter.workflows.model.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.temporal.common.converter.DataConverter;
import io.temporal.common.converter.DefaultDataConverter;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class MeteringTuningTest {

  private static final Duration HOUR = Duration.ofHours(1);

  @Test
  void theBuilderStartsFromTheDefaultsOrATuningAndChangesOnlyWhatItIsTold() {
    MeteringTuning defaults = MeteringTuning.defaults(HOUR);
    assertThat(MeteringTuning.builder(HOUR).build()).isEqualTo(defaults);
    assertThat(defaults.toBuilder().build()).isEqualTo(defaults);

    MeteringTuning changed =
        defaults.toBuilder().continueAsNewAfterPeriods(3).maxEntryQuantity(100).build();
    assertThat(changed.continueAsNewAfterPeriods()).isEqualTo(3);
    assertThat(changed.maxEntryQuantity()).isEqualTo(100);
    assertThat(
            changed.toBuilder()
                .continueAsNewAfterPeriods(0)
                .maxEntryQuantity(2_147_483_647L)
                .build())
        .isEqualTo(defaults);
  }

  @Test
  void buildRunsTheRecordsChecks() {
    assertThatThrownBy(() -> MeteringTuning.builder(HOUR).dedupHorizonPeriods(0).build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("dedupHorizonPeriods: must be >= 1, got 0");
    assertThatThrownBy(() -> MeteringTuning.builder(HOUR).grace(Duration.ofSeconds(-1)).build())
        .hasMessage("grace: must be a non-negative duration, got PT-1S");
    assertThatThrownBy(() -> MeteringTuning.builder(HOUR).window(Duration.ZERO).build())
        .hasMessage("window: must be positive, got PT0S");
    assertThatThrownBy(
            () ->
                MeteringTuning.builder(HOUR)
                    .continueAsNewAfterHistoryBytes(50L * 1024 * 1024 + 1)
                    .build())
        .hasMessageStartingWith("continueAsNewAfterHistoryBytes: must be within 1..52428800");
    assertThatThrownBy(() -> MeteringTuning.builder(HOUR).continueAsNewAfterPeriods(-1).build())
        .hasMessage("continueAsNewAfterPeriods: must be >= 0, got -1");
  }

  @Test
  void theSerializedShapeIsTheRecordsComponentsByName() throws Exception {
    // Workflow histories hold this JSON: renaming or retyping a component breaks them.
    DataConverter converter = DefaultDataConverter.STANDARD_INSTANCE;
    MeteringTuning tuning = MeteringTuning.defaults(HOUR);
    String json =
        converter.toPayload(tuning).orElseThrow().getData().toString(StandardCharsets.UTF_8);
    List<String> names = new ArrayList<>();
    new ObjectMapper().readTree(json).fieldNames().forEachRemaining(names::add);

    assertThat(names)
        .containsExactly(
            "grace",
            "windowSafety",
            "dedupHorizonPeriods",
            "maxRememberedReports",
            "futureSkew",
            "continueAsNewAfterPeriods",
            "recentPeriodsKept",
            "verifyDelay",
            "resendLead",
            "entitlementMaxAge",
            "continueAsNewAfterSignals",
            "continueAsNewAfterUpdates",
            "continueAsNewAfterHistoryEvents",
            "continueAsNewAfterHistoryBytes",
            "maxEntryQuantity",
            "window",
            "closeSpread");
    assertThat(
            converter.fromPayload(
                converter.toPayload(tuning).orElseThrow(),
                MeteringTuning.class,
                MeteringTuning.class))
        .isEqualTo(tuning);
  }

  @Test
  void theCloseSpreadDefaultsToTwentyMinutesOrAThirdOfAShorterPeriod() {
    assertThat(MeteringTuning.defaults(HOUR).closeSpread()).isEqualTo(Duration.ofMinutes(20));
    assertThat(MeteringTuning.defaults(Duration.ofDays(1)).closeSpread())
        .isEqualTo(Duration.ofMinutes(20));
    assertThat(MeteringTuning.defaults(Duration.ofMinutes(1)).closeSpread())
        .isEqualTo(Duration.ofSeconds(20));
    assertThat(MeteringTuning.defaults(Duration.ofMinutes(5)).closeSpread())
        .isEqualTo(Duration.ofSeconds(100));
  }

  @Test
  void aSubscriptionWrittenBeforeTheCloseSpreadReadsThePeriodsDefault() throws Exception {
    DataConverter converter = DefaultDataConverter.STANDARD_INSTANCE;
    MeteringSubscription current =
        MeteringSubscription.of(
            "p", CustomerId.parse("c"), List.of("d"), PricingModel.SUBSCRIPTION, HOUR);
    ObjectMapper mapper = new ObjectMapper();
    var tree = mapper.readTree(converter.toPayload(current).orElseThrow().getData().toByteArray());
    ((com.fasterxml.jackson.databind.node.ObjectNode) tree.path("tuning")).remove("closeSpread");
    MeteringSubscription old =
        converter.fromPayload(
            converter.toPayload(tree).orElseThrow(),
            MeteringSubscription.class,
            MeteringSubscription.class);

    assertThat(old.tuning().closeSpread()).isEqualTo(Duration.ofMinutes(20));
    assertThat(old).isEqualTo(current);
  }

  @Test
  void aNewWorkflowsCloseSpreadIsAtMostHalfItsPeriod() {
    assertThat(MeteringTuning.closeSpreadProblem(Duration.ZERO, HOUR)).isNull();
    assertThat(MeteringTuning.closeSpreadProblem(Duration.ofMinutes(30), HOUR)).isNull();
    assertThat(MeteringTuning.closeSpreadProblem(Duration.ofMinutes(31), HOUR))
        .isEqualTo("must be at most half the period, PT30M, got PT31M");
    assertThat(MeteringTuning.closeSpreadProblem(Duration.ofSeconds(-1), HOUR))
        .isEqualTo("must not be negative, got PT-1S");
    assertThatThrownBy(
            () -> MeteringTuning.builder(HOUR).closeSpread(Duration.ofSeconds(-1)).build())
        .hasMessage("closeSpread: must be a non-negative duration, got PT-1S");
    MeteringSubscription tooWide =
        MeteringSubscription.of(
                "p", CustomerId.parse("c"), List.of("d"), PricingModel.SUBSCRIPTION, HOUR)
            .withTuning(MeteringTuning.builder(HOUR).closeSpread(Duration.ofMinutes(45)).build());
    assertThat(tooWide.startProblems())
        .containsExactly("closeSpread: must be at most half the period, PT30M, got PT45M");
  }
}
