package dev.hourmeter.simulator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.marketplacemetering.model.TimestampOutOfBoundsException;
import software.amazon.awssdk.services.marketplacemetering.model.UsageRecordResult;
import software.amazon.awssdk.services.marketplacemetering.model.UsageRecordResultStatus;

/** The 24-hour window, the month-end cut-off and the PT6H setting, on the injectable clock. */
class TimestampWindowTest extends SimulatorTestBase {

  private static final Instant NOV_30_23H = Instant.parse("2026-11-30T23:00:00Z");
  private static final Instant DEC_1 = Instant.parse("2026-12-01T00:00:00Z");

  private UsageRecordResultStatus status(String dimension, Instant timestamp) {
    return meter(accountRecord(ACCOUNT, dimension, timestamp, 1)).results().stream()
        .map(UsageRecordResult::status)
        .findFirst()
        .orElseThrow();
  }

  @Test
  void lateHoursOfTheMonthAreAcceptedUntilSixOnTheFirst() {
    subscribeAccount(ACCOUNT, "requests", "storage");
    clock.set(Instant.parse("2026-12-01T05:59:59Z"));

    assertThat(status("requests", NOV_30_23H)).isEqualTo(UsageRecordResultStatus.SUCCESS);
    assertThat(status("requests", Instant.parse("2026-11-30T06:00:00Z")))
        .as("23 h 59 min 59 s old, still the previous month")
        .isEqualTo(UsageRecordResultStatus.SUCCESS);
    assertThatThrownBy(() -> status("requests", Instant.parse("2026-11-30T05:59:59Z")))
        .as("24 hours old")
        .isInstanceOf(TimestampOutOfBoundsException.class);

    clock.set(Instant.parse("2026-12-01T06:00:00Z"));
    assertThatThrownBy(() -> status("storage", NOV_30_23H))
        .as("seven hours old, but November is closed at 06:00 on December 1")
        .isInstanceOf(TimestampOutOfBoundsException.class)
        .hasMessageContaining("2026-11")
        .hasMessageContaining("2026-12-01T06:00:00Z");
    assertThatThrownBy(
            () ->
                meter(
                    accountRecord(ACCOUNT, "storage", DEC_1, 1),
                    accountRecord(ACCOUNT, "storage", DEC_1.minusMillis(1), 1)))
        .as("one record of the closed month fails the whole batch")
        .isInstanceOf(TimestampOutOfBoundsException.class);
    assertThat(status("storage", DEC_1)).isEqualTo(UsageRecordResultStatus.SUCCESS);

    clock.set(Instant.parse("2026-12-02T05:00:00Z"));
    assertThat(status("requests", DEC_1.plus(Duration.ofHours(6))))
        .as("the cut-off concerns the first of the month only")
        .isEqualTo(UsageRecordResultStatus.SUCCESS);
    assertThat(sim.ledger())
        .extracting(LedgerEntry::timestamp)
        .containsExactly(
            NOV_30_23H,
            Instant.parse("2026-11-30T06:00:00Z"),
            DEC_1,
            DEC_1.plus(Duration.ofHours(6)));
  }

  @Test
  void theCutOffFollowsTheCalendarAcrossYearsAndShortMonths() {
    subscribeAccount(ACCOUNT, "requests");
    clock.set(Instant.parse("2027-01-01T06:00:00Z"));
    assertThatThrownBy(() -> status("requests", Instant.parse("2026-12-31T23:00:00Z")))
        .isInstanceOf(TimestampOutOfBoundsException.class)
        .hasMessageContaining("2026-12");
    clock.set(Instant.parse("2027-03-01T05:30:00Z"));
    assertThat(status("requests", Instant.parse("2027-02-28T23:00:00Z")))
        .isEqualTo(UsageRecordResultStatus.SUCCESS);
  }

  @Test
  void sixHourWindowIsTheOldRule() {
    sim.close();
    sim = MarketplaceSimulator.builder().clock(clock).window(Duration.ofHours(6)).build().start();
    metering.close();
    metering = meteringClient(sim);
    subscribeAccount(ACCOUNT, "requests");

    assertThat(status("requests", T0.minus(Duration.ofHours(6)).plusSeconds(1)))
        .isEqualTo(UsageRecordResultStatus.SUCCESS);
    assertThatThrownBy(() -> status("requests", T0.minus(Duration.ofHours(6))))
        .isInstanceOf(TimestampOutOfBoundsException.class);
    assertThat(sim.config().window()).isEqualTo(Duration.ofHours(6));
    assertThat(sim.config().windowPeriods()).isEqualTo(6);
  }

  @Test
  void windowPeriodsStillCountsPeriods() {
    sim.close();
    sim =
        MarketplaceSimulator.builder()
            .clock(clock)
            .period(Duration.ofMinutes(1))
            .windowPeriods(6)
            .build()
            .start();
    metering.close();
    metering = meteringClient(sim);
    subscribeAccount(ACCOUNT, "requests");

    assertThat(sim.config().window()).isEqualTo(Duration.ofMinutes(6));
    assertThat(status("requests", T0.minus(Duration.ofMinutes(6)).plusMillis(1)))
        .isEqualTo(UsageRecordResultStatus.SUCCESS);
    assertThatThrownBy(() -> status("requests", T0.minus(Duration.ofMinutes(6))))
        .isInstanceOf(TimestampOutOfBoundsException.class);
  }
}
