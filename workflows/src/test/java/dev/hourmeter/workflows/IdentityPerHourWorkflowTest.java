package dev.hourmeter.workflows;

import static dev.hourmeter.workflows.FakeActivityEnvironment.at;
import static dev.hourmeter.workflows.FakeActivityEnvironment.report;
import static dev.hourmeter.workflows.FakeActivityEnvironment.subscription;
import static org.assertj.core.api.Assertions.assertThat;

import dev.hourmeter.workflows.model.activity.MeteringRecord;
import dev.hourmeter.workflows.model.activity.SentRecord;
import dev.hourmeter.workflows.model.api.CustomerId;
import dev.hourmeter.workflows.model.api.CustomerMeteringInput;
import dev.hourmeter.workflows.model.api.IdentityMigration;
import dev.hourmeter.workflows.model.api.MeteringState;
import dev.hourmeter.workflows.model.api.MeteringStatus;
import dev.hourmeter.workflows.model.api.MeteringSubscription;
import dev.hourmeter.workflows.model.checkpoint.IdentityChange;
import dev.hourmeter.workflows.model.checkpoint.MeteringCheckpoint;
import dev.hourmeter.workflows.model.checkpoint.VerificationTask;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * One identity per customer-hour: whatever path a record takes to BatchMeterUsage (a period's first
 * send, a re-send after a CloudTrail miss, usage carried into a later period, the final flush), no
 * hour goes out under both ProductCode and LicenseArn, which AWS would bill twice.
 */
class IdentityPerHourWorkflowTest {

  private static final String ACCOUNT = "123456789012";
  private static final String LICENSE =
      "arn:aws:license-manager::123456789012:license/l-0123456789abcdef0123456789abcdef";
  private static final CustomerId LICENSED = CustomerId.licensed(ACCOUNT, LICENSE);

  private final FakeActivityEnvironment env = new FakeActivityEnvironment();
  private final FakeActivities fakes = env.fakes;

  @AfterEach
  void tearDown() {
    env.close();
  }

  /** Per hour, the identity kinds (licensed or not) of every record sent for it. */
  private Map<Instant, Set<Boolean>> kindsPerHour() {
    return fakes.submission.records().stream()
        .collect(
            Collectors.groupingBy(
                MeteringRecord::timestamp,
                TreeMap::new,
                Collectors.mapping(MeteringRecord::licensed, Collectors.toSet())));
  }

  @Test
  void aMigrationBetweenAReSendALateCarryAndTheFinalFlushKeepsEachHourUnderOneIdentity() {
    fakes.receipts.onlyAfterResend(); // every first CloudTrail look misses: each hour is re-sent
    MeteringSubscription legacy = subscription("cust-legacy-1", "requests");
    CustomerMeteringWorkflow workflow = env.start(legacy);
    env.sleepUntil(at(0, 30));
    workflow.reportUsage(report("r0", "requests", 5, at(0, 30)));

    env.sleepUntil(at(1, 20)); // 00:00 sent at 01:05 under the legacy identity
    assertThat(workflow.migrateIdentity(new IdentityMigration(ACCOUNT, LICENSE)).effectiveFrom())
        .isEqualTo(at(1, 0));
    workflow.reportUsage(report("late-0", "requests", 4, at(0, 40))); // carried into 01:00
    env.sleepUntil(at(2, 30));
    workflow.reportUsage(report("r2", "requests", 3, at(2, 30)));

    env.sleepUntil(at(4, 20)); // 00:00 re-sent at 04:05, still legacy; 01:00 waits for its own
    workflow.unsubscribe(); // final flush of 04:00; re-sends follow until every hour is found
    env.sleepUntil(at(12, 0));

    MeteringStatus status = workflow.status();
    assertThat(status.state()).isEqualTo(MeteringState.ENDED);
    Map<Instant, Set<Boolean>> kinds = kindsPerHour();
    assertThat(kinds).containsOnlyKeys(at(0, 0), at(1, 0), at(2, 0), at(3, 0), at(4, 0));
    assertThat(kinds).allSatisfy((hour, k) -> assertThat(k).as("hour %s", hour).hasSize(1));
    assertThat(kinds.get(at(0, 0))).containsExactly(false);
    kinds.keySet().stream()
        .filter(h -> !h.isBefore(at(1, 0)))
        .forEach(h -> assertThat(kinds.get(h)).as("hour %s", h).containsExactly(true));
    assertThat(
            fakes.submission.records().stream().filter(r -> r.timestamp().equals(at(0, 0))).count())
        .as("00:00 sent, then re-sent once under its own identity")
        .isEqualTo(2);
    assertThat(
            fakes.submission.records().stream()
                .filter(r -> r.timestamp().equals(at(1, 0)))
                .map(MeteringRecord::exactQuantity)
                .distinct()
                .toList())
        .as("00:00's late usage billed in 01:00, under the license")
        .singleElement()
        .satisfies(q -> assertThat(q).isEqualByComparingTo("4"));
    assertThat(status.counters().recordsReassigned()).isZero();
  }

  @Test
  void aReSendBuiltUnderAnotherIdentityThanItsHourGoesOutUnderTheHoursIdentityAndIsCounted() {
    // A run restored from a checkpoint in which 23:00 (submitted under the legacy identity, the
    // migration took effect at 00:00) waits for a re-send of a record stamped with the license: a
    // bug upstream (a re-send rebuilt with the current identity). Sent as it is, 23:00 would be
    // billed under both ProductCode and LicenseArn.
    fakes.receipts.visibleWhen(r -> false);
    MeteringSubscription legacy = subscription("cust-legacy-2", "requests");
    Instant h23 = at(0, 0).minus(Duration.ofHours(1));
    MeteringRecord wrong = MeteringRecord.of(LICENSED, "requests", h23, java.math.BigDecimal.TEN);
    MeteringCheckpoint checkpoint =
        MeteringCheckpoint.builder()
            .state(MeteringState.ACTIVE)
            .stateReason("")
            .nextPeriodToClose(at(0, 0))
            .sealedThrough(h23)
            .verifications(
                List.of(
                    new VerificationTask(
                        h23,
                        List.of(new SentRecord(wrong, "mr-1", h23.plusSeconds(300))),
                        at(0, 0),
                        false,
                        0)))
            .identityChanges(
                List.of(new IdentityChange(legacy.customer(), LICENSED, at(0, 10), at(0, 0))))
            .build();
    CustomerMeteringWorkflow workflow = env.start(new CustomerMeteringInput(legacy, checkpoint));

    env.sleepUntil(at(5, 10)); // 23:00's window ends at 05:00 less the safety: re-sent before

    List<MeteringRecord> resent =
        fakes.submission.records().stream().filter(r -> r.timestamp().equals(h23)).toList();
    assertThat(resent)
        .as("re-sent under 23:00's identity, the legacy one")
        .singleElement()
        .satisfies(
            r -> {
              assertThat(r.customer()).isEqualTo(legacy.customer());
              assertThat(r.exactQuantity()).isEqualByComparingTo("10");
            });
    assertThat(workflow.status().counters().recordsReassigned()).isEqualTo(1);
    assertThat(kindsPerHour()).allSatisfy((hour, k) -> assertThat(k).hasSize(1));
  }
}
