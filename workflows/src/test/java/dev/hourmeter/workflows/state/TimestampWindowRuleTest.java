package dev.hourmeter.workflows.state;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class TimestampWindowRuleTest {

  private static final Duration SAFETY = Duration.ofMinutes(10);
  private final TimestampWindowRule day = new TimestampWindowRule(Duration.ofHours(24), SAFETY);

  @Test
  void midMonthTheWindowAloneDecides() {
    assertThat(day.deadline(Instant.parse("2026-11-26T00:00:00Z")))
        .isEqualTo(Instant.parse("2026-11-26T23:50:00Z"));
  }

  @Test
  void lateHoursOfTheMonthEndAtSixOnTheFirst() {
    assertThat(day.deadline(Instant.parse("2026-11-30T23:00:00Z")))
        .isEqualTo(Instant.parse("2026-12-01T05:50:00Z"));
    assertThat(day.deadline(Instant.parse("2026-11-30T06:00:00Z")))
        .isEqualTo(Instant.parse("2026-12-01T05:50:00Z"));
    assertThat(day.deadline(Instant.parse("2026-11-30T05:00:00Z")))
        .as("24 hours end before the cut-off")
        .isEqualTo(Instant.parse("2026-12-01T04:50:00Z"));
  }

  @Test
  void theFirstHoursOfTheNewMonthKeepTheirWholeWindow() {
    assertThat(day.deadline(Instant.parse("2026-12-01T00:00:00Z")))
        .isEqualTo(Instant.parse("2026-12-01T23:50:00Z"));
  }

  @Test
  void februaryEndsOnThe28thOrThe29th() {
    assertThat(day.deadline(Instant.parse("2027-02-28T22:00:00Z")))
        .isEqualTo(Instant.parse("2027-03-01T05:50:00Z"));
    assertThat(day.deadline(Instant.parse("2028-02-28T22:00:00Z")))
        .as("leap year: the 28th is not the month's last day")
        .isEqualTo(Instant.parse("2028-02-29T21:50:00Z"));
    assertThat(day.deadline(Instant.parse("2028-02-29T22:00:00Z")))
        .isEqualTo(Instant.parse("2028-03-01T05:50:00Z"));
  }

  @Test
  void theYearEndIsAMonthEnd() {
    assertThat(day.deadline(Instant.parse("2026-12-31T23:00:00Z")))
        .isEqualTo(Instant.parse("2027-01-01T05:50:00Z"));
    assertThat(TimestampWindowRule.monthEndCutoff(Instant.parse("2026-12-15T12:00:00Z")))
        .isEqualTo(Instant.parse("2027-01-01T06:00:00Z"));
  }

  @Test
  void aSixHourWindowEndsBeforeTheCutOffForHourlyPeriods() {
    TimestampWindowRule six = new TimestampWindowRule(Duration.ofHours(6), SAFETY);
    assertThat(six.deadline(Instant.parse("2026-11-30T23:00:00Z")))
        .isEqualTo(Instant.parse("2026-12-01T04:50:00Z"));
    assertThat(six.deadline(Instant.parse("2026-11-30T10:00:00Z")))
        .isEqualTo(Instant.parse("2026-11-30T15:50:00Z"));
  }

  @Test
  void refusesAnEmptyWindow() {
    assertThatThrownBy(() -> new TimestampWindowRule(Duration.ZERO, SAFETY))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("window");
  }
}
