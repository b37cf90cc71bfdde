package dev.hourmeter.workflows.model;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.temporal.api.common.v1.Payload;
import io.temporal.common.converter.DataConverter;
import io.temporal.common.converter.DefaultDataConverter;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class MeteringTuningWindowTest {

  private static final Duration HOUR = Duration.ofHours(1);

  private static MeteringSubscription hourly(MeteringTuning tuning) {
    return MeteringSubscription.of(
            "p", CustomerId.parse("c"), List.of("requests"), PricingModel.SUBSCRIPTION, HOUR)
        .withTuning(tuning);
  }

  @Test
  void theDefaultWindowIs24PeriodsAtMostADay() {
    assertThat(MeteringTuning.defaults(HOUR).window()).isEqualTo(Duration.ofHours(24));
    assertThat(MeteringTuning.defaults(HOUR).windowOf(HOUR)).isEqualTo(Duration.ofHours(24));
    assertThat(MeteringTuning.defaults(Duration.ofMinutes(1)).window())
        .isEqualTo(Duration.ofMinutes(24));
    assertThat(MeteringTuning.defaults(Duration.ofDays(1)).window())
        .isEqualTo(Duration.ofHours(24));
  }

  @Test
  void aWindowInPeriodsCountsPeriods() {
    MeteringTuning six = MeteringTuning.builder(HOUR).window(null).windowPeriods(6).build();
    assertThat(six.window()).isNull();
    assertThat(six.windowOf(HOUR)).isEqualTo(Duration.ofHours(6));
    assertThat(six.windowOf(Duration.ofMinutes(1))).isEqualTo(Duration.ofMinutes(6));
  }

  @Test
  void newWorkflowsTakeAWindowWithinItsBounds() {
    MeteringTuning defaults = MeteringTuning.defaults(HOUR);
    assertThat(hourly(defaults.toBuilder().window(Duration.ofHours(6)).build()).startProblems())
        .isEmpty();
    assertThat(hourly(defaults.toBuilder().window(Duration.ofHours(1)).build()).startProblems())
        .isEmpty();
    assertThat(hourly(defaults.toBuilder().window(Duration.ofHours(25)).build()).startProblems())
        .containsExactly("window: must be at most PT24H (AWS's window), got PT25H");
    assertThat(hourly(defaults.toBuilder().window(Duration.ofMinutes(59)).build()).startProblems())
        .containsExactly("window: must be at least PT1H, got PT59M");
    assertThat(MeteringTuning.windowProblem(Duration.ofMinutes(6), Duration.ofMinutes(1)))
        .as("six short periods are allowed")
        .isNull();
  }

  @Test
  void aTuningWrittenBeforeTheWindowExistedReadsAsSixPeriods() throws Exception {
    // The JSON of a workflow input from before this setting: no "window" field.
    DataConverter converter = DefaultDataConverter.STANDARD_INSTANCE;
    MeteringTuning old = MeteringTuning.builder(HOUR).window(null).windowPeriods(6).build();
    Payload written = converter.toPayload(old).orElseThrow();
    ObjectNode json =
        (ObjectNode)
            new ObjectMapper().readTree(written.getData().toString(StandardCharsets.UTF_8));
    assertThat(json.has("window")).isTrue();
    json.remove("window");
    Payload withoutWindow =
        written.toBuilder()
            .setData(com.google.protobuf.ByteString.copyFromUtf8(json.toString()))
            .build();

    MeteringTuning read =
        converter.fromPayload(withoutWindow, MeteringTuning.class, MeteringTuning.class);

    assertThat(read).isEqualTo(old);
    assertThat(read.windowOf(HOUR)).isEqualTo(Duration.ofHours(6));
  }
}
