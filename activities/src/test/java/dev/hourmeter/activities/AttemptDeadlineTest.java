package dev.hourmeter.activities;

import static dev.hourmeter.activities.testing.SimulatorFixture.PRODUCT;
import static dev.hourmeter.activities.testing.SimulatorFixture.account;
import static dev.hourmeter.activities.testing.SimulatorFixture.record;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.hourmeter.activities.batching.MeteringBatcher;
import dev.hourmeter.activities.batching.SendRequest;
import dev.hourmeter.activities.testing.SimulatorFixture;
import dev.hourmeter.simulator.FaultSpec;
import dev.hourmeter.simulator.LedgerEntry;
import dev.hourmeter.simulator.MarketplaceSimulator;
import dev.hourmeter.workflows.activities.MeteringSubmissionActivities;
import dev.hourmeter.workflows.model.activity.MeteringRecord;
import dev.hourmeter.workflows.model.activity.RecordResult;
import dev.hourmeter.workflows.model.activity.RecordStatus;
import dev.hourmeter.workflows.model.activity.SubmissionRequest;
import io.temporal.activity.ActivityOptions;
import io.temporal.common.RetryOptions;
import io.temporal.failure.ActivityFailure;
import io.temporal.failure.ApplicationFailure;
import io.temporal.testing.TestActivityEnvironment;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class AttemptDeadlineTest {

  private static final Instant NOW = Instant.parse("2026-11-30T12:00:00Z");

  @Test
  void theAttemptStopsSendingAMarginBeforeTheFirstTimeoutThatEndsIt() {
    // An hourly period: start-to-close 5 min ends the attempt first; margin capped at 6 s, half of
    // it for the calls in flight, half for the report.
    assertThat(
            AttemptDeadline.of(
                Duration.ofMinutes(5), Duration.ofHours(20), Duration.ofMinutes(10), NOW))
        .isEqualTo(new AttemptDeadline(NOW.plusSeconds(294), NOW.plusSeconds(297)));
    // Near the window's end the schedule-to-close is first: 60 s, 55 s of it gone, margin 2 s.
    assertThat(
            AttemptDeadline.of(
                Duration.ofSeconds(10), Duration.ofSeconds(60), Duration.ofSeconds(55), NOW))
        .isEqualTo(new AttemptDeadline(NOW.plusSeconds(3), NOW.plusSeconds(4)));
    // A twentieth of what is left, between 2 s and 6 s.
    assertThat(AttemptDeadline.of(Duration.ofSeconds(80), null, Duration.ZERO, NOW))
        .isEqualTo(new AttemptDeadline(NOW.plusSeconds(76), NOW.plusSeconds(78)));
    assertThat(AttemptDeadline.of(Duration.ofSeconds(40), null, Duration.ZERO, NOW))
        .isEqualTo(new AttemptDeadline(NOW.plusSeconds(38), NOW.plusSeconds(39)));
  }

  @Test
  void anAttemptWithNoTimeLeftStopsAtOnceAndOneWithoutTimeoutsNever() {
    assertThat(
            AttemptDeadline.of(
                Duration.ofSeconds(10), Duration.ofSeconds(60), Duration.ofSeconds(61), NOW))
        .isEqualTo(new AttemptDeadline(NOW, NOW));
    assertThat(AttemptDeadline.of(Duration.ZERO, null, Duration.ZERO, NOW)).isNull();
  }

  /**
   * The chaos run's double bill: AWS accepted one record of an attempt a second before the
   * attempt's timeout while another record was still being retried; the attempt timed out, the
   * workflow saw both of unknown fate, CloudTrail had not delivered the accepted one's event, and
   * its usage was carried and billed again. Now the attempt ends before its timeout, reporting the
   * accepted record as SUCCESS, and never sends the other one afterwards.
   */
  @Test
  void anAttemptReportsTheAnswersItHasBeforeItsTimeRunsOut() throws Exception {
    try (SimulatorFixture fx =
        new SimulatorFixture(MarketplaceSimulator.builder().autoSubscribe(true), 10)) {
      MeteringBatcher batcher =
          MeteringBatcher.builder(fx.gateway)
              .registry(fx.registry)
              .linger(Duration.ofMillis(50))
              .unprocessedBackoff(Duration.ofSeconds(1))
              .maxUnprocessedResends(100)
              .retryBackoff(Duration.ofMillis(200))
              .maxRetries(100)
              .build();
      TestActivityEnvironment env = TestActivityEnvironment.newInstance();
      try {
        env.registerActivitiesImplementations(new MeteringSubmissionActivitiesImpl(batcher));
        MeteringSubmissionActivities activities =
            env.newActivityStub(
                MeteringSubmissionActivities.class,
                ActivityOptions.newBuilder()
                    .setStartToCloseTimeout(Duration.ofSeconds(4))
                    .setRetryOptions(RetryOptions.newBuilder().setMaximumAttempts(1).build())
                    .build());
        MeteringRecord stuck = record(account(1), "requests", 5);
        MeteringRecord accepted = record(account(2), "requests", 6);
        fx.sim.setFaults(FaultSpec.builder().unprocessedNext(1).build());
        Thread flip =
            new Thread(
                () -> {
                  // Once the first call is answered, AWS throttles every later call.
                  while (fx.sim.ledger().isEmpty()) {
                    Thread.onSpinWait();
                  }
                  fx.sim.setFaults(FaultSpec.builder().throttleRate(1.0).build());
                });
        flip.start();

        ActivityFailure failure =
            catchThrowableOfType(
                ActivityFailure.class,
                () ->
                    activities.submitUsageRecords(
                        new SubmissionRequest(PRODUCT, List.of(stuck, accepted))));
        flip.join();

        ApplicationFailure cause = (ApplicationFailure) failure.getCause();
        assertThat(cause.getType()).isEqualTo(SendRequest.ATTEMPT_TIME_RAN_OUT);
        SubmissionProgress details = cause.getDetails().get(0, SubmissionProgress.class);
        assertThat(details.finalResults())
            .extracting(RecordResult::record, RecordResult::status)
            .containsExactly(org.assertj.core.groups.Tuple.tuple(accepted, RecordStatus.SUCCESS));
        assertThat(details.fateUnknown())
            .as(
                "every call of the other record was refused before processing (unprocessed,"
                    + " then throttled): certainly not accepted, not of unknown fate")
            .isEmpty();

        fx.sim.clearFaults();
        Thread.sleep(2_500); // more than two unprocessed backoffs: a queued record would go now
        assertThat(fx.sim.ledger()).extracting(LedgerEntry::quantity).containsExactly(6L);
      } finally {
        env.close();
        batcher.close();
      }
    }
  }
}
