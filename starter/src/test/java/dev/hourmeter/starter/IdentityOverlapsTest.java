package dev.hourmeter.starter;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * When a licensed workflow may start after the account's unlicensed workflow closed: its first
 * period (the one in progress when it starts, aligned to the wall clock) must begin in a later hour
 * than the one the unlicensed workflow closed in.
 */
class IdentityOverlapsTest {

  @ParameterizedTest(name = "closed {0}, period {1}: from {2}")
  @CsvSource({
    "2026-03-10T10:50:12Z, PT1H, 2026-03-10T11:00:00Z",
    "2026-03-10T10:00:00Z, PT1H, 2026-03-10T11:00:00Z",
    "2026-03-10T10:59:59.999Z, PT10S, 2026-03-10T11:00:00Z",
    // PT16M divides a day but not an hour: periods start at 10:40, 10:56, 11:12
    "2026-03-10T10:05:00Z, PT16M, 2026-03-10T11:12:00Z",
    "2026-03-10T10:05:00Z, PT2H, 2026-03-10T12:00:00Z",
    "2026-03-10T11:05:00Z, PT2H, 2026-03-10T12:00:00Z",
    "2026-03-10T10:05:00Z, P1D, 2026-03-11T00:00:00Z",
    "2026-03-10T23:30:00Z, P1D, 2026-03-11T00:00:00Z"
  })
  void theFirstPeriodBeginsInALaterHourThanTheClose(
      String closedAt, String period, String expected) {
    assertThat(IdentityOverlaps.firstSafeStart(Instant.parse(closedAt), Duration.parse(period)))
        .isEqualTo(Instant.parse(expected));
  }
}
