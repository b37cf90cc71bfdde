package dev.hourmeter.workflows.state;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.hourmeter.workflows.model.api.CustomerId;
import dev.hourmeter.workflows.model.api.MeteringSubscription;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class PeriodCalendarTest {

  @Test
  void periodsAlignToTheWallClock() {
    PeriodCalendar hourly = new PeriodCalendar(Duration.ofHours(1));
    assertThat(hourly.periodStartOf(Instant.parse("2026-11-26T10:59:59.999Z")))
        .isEqualTo(Instant.parse("2026-11-26T10:00:00Z"));
    PeriodCalendar minutes = new PeriodCalendar(Duration.ofMinutes(5));
    assertThat(minutes.periodStartOf(Instant.parse("2026-11-26T10:07:30Z")))
        .isEqualTo(Instant.parse("2026-11-26T10:05:00Z"));
  }

  @Test
  void subscriptionRejectsPeriodsThatDoNotDivideADay() {
    assertThatThrownBy(
            () ->
                MeteringSubscription.of(
                    "p", CustomerId.parse("c"), List.of("d"), null, Duration.ofMinutes(7)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("period:");
  }

  @Test
  void subscriptionNamesTheBadField() {
    assertThatThrownBy(
            () ->
                MeteringSubscription.of(
                    "bad code!", CustomerId.parse("c"), List.of("d"), null, null))
        .hasMessageStartingWith("productCode:");
    assertThatThrownBy(
            () ->
                MeteringSubscription.of("p", CustomerId.parse("c"), List.of("d", "d"), null, null))
        .hasMessageStartingWith("dimensions:");
    assertThatThrownBy(() -> CustomerId.awsAccount("12345")).hasMessageStartingWith("customer:");
  }
}
