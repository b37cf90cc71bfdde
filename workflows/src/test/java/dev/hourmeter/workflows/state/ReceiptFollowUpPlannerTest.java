package dev.hourmeter.workflows.state;

import static org.assertj.core.api.Assertions.assertThat;

import dev.hourmeter.workflows.model.activity.MeteringRecord;
import dev.hourmeter.workflows.model.activity.ReceiptCheck;
import dev.hourmeter.workflows.model.activity.ReceiptCheckResult;
import dev.hourmeter.workflows.model.activity.RecordResult;
import dev.hourmeter.workflows.model.activity.RecordStatus;
import dev.hourmeter.workflows.model.activity.SentRecord;
import dev.hourmeter.workflows.model.api.CustomerId;
import dev.hourmeter.workflows.model.api.MeteringTuning;
import dev.hourmeter.workflows.model.checkpoint.VerificationTask;
import dev.hourmeter.workflows.state.ReceiptFollowUpPlanner.Carry;
import dev.hourmeter.workflows.state.ReceiptFollowUpPlanner.CheckAgain;
import dev.hourmeter.workflows.state.ReceiptFollowUpPlanner.Done;
import dev.hourmeter.workflows.state.ReceiptFollowUpPlanner.FollowUp;
import dev.hourmeter.workflows.state.ReceiptFollowUpPlanner.Resend;
import dev.hourmeter.workflows.state.ReceiptFollowUpPlanner.ResendPlan;
import dev.hourmeter.workflows.state.ReceiptFollowUpPlanner.TaskPlan;
import dev.hourmeter.workflows.state.ReceiptFollowUpPlanner.Unverified;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The re-send state machine as a table, with hourly defaults: period 00:00, window deadline 05:50,
 * re-send from 03:50 (lead PT2H), next look PT30M later.
 */
class ReceiptFollowUpPlannerTest {

  private static final Instant H00 = Instant.parse("2026-11-26T00:00:00Z");
  private static final Instant DEADLINE = at(5, 50);
  private static final MeteringTuning TUNING = MeteringTuning.defaults(Duration.ofHours(1));
  private static final CustomerId CUSTOMER = CustomerId.parse("cust-1");
  private static final SentRecord REQUESTS = sent("requests");
  private static final SentRecord STORAGE = sent("storage");
  private static final Set<String> NONE = Set.of();
  private static final Set<String> BOTH = Set.of(REQUESTS.record().key(), STORAGE.record().key());

  static Stream<Arguments> decisions() {
    return Stream.of(
        row(
            "all found at the first look",
            firstLook(),
            BOTH,
            at(2, 5),
            List.of(REQUESTS, STORAGE),
            new Done()),
        row(
            "missing: look again after the verify delay",
            firstLook(),
            NONE,
            at(2, 5),
            List.of(),
            again(List.of(REQUESTS, STORAGE), at(2, 35), false, 0)),
        row(
            "partly found: only the missing one is looked for again",
            firstLook(),
            Set.of(REQUESTS.record().key()),
            at(2, 5),
            List.of(REQUESTS),
            again(List.of(STORAGE), at(2, 35), false, 0)),
        row(
            "missing near the re-send time: the next look is at the re-send time",
            firstLook(),
            NONE,
            at(3, 30),
            List.of(),
            again(List.of(REQUESTS, STORAGE), at(3, 50), false, 0)),
        row(
            "missing exactly at the re-send time: re-sent",
            firstLook(),
            NONE,
            at(3, 50),
            List.of(),
            new Resend(List.of(REQUESTS.record(), STORAGE.record()), Duration.ofHours(2))),
        row(
            "missing after the re-send time: re-sent with what is left of the window",
            firstLook(),
            NONE,
            at(4, 5),
            List.of(),
            new Resend(List.of(REQUESTS.record(), STORAGE.record()), Duration.ofMinutes(105))),
        row(
            "missing with less than a second of window left: unverified",
            firstLook(),
            NONE,
            DEADLINE.minusMillis(500),
            List.of(),
            new Unverified(
                List.of(REQUESTS, STORAGE),
                "not in CloudTrail and the timestamp window has closed")),
        row(
            "missing after the window closed: unverified",
            firstLook(),
            NONE,
            at(6, 5),
            List.of(),
            new Unverified(
                List.of(REQUESTS, STORAGE),
                "not in CloudTrail and the timestamp window has closed")),
        row(
            "found after the re-send",
            task(true, 0),
            BOTH,
            at(5, 5),
            List.of(REQUESTS, STORAGE),
            new Done()),
        row(
            "missing at the first look after the re-send: one more look",
            task(true, 0),
            NONE,
            at(5, 5),
            List.of(),
            again(List.of(REQUESTS, STORAGE), at(5, 35), true, 1)),
        row(
            "missing at the second look after the re-send: unverified",
            task(true, 1),
            Set.of(STORAGE.record().key()),
            at(6, 5),
            List.of(STORAGE),
            new Unverified(List.of(REQUESTS), "not in CloudTrail even after a re-send")));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("decisions")
  void plansOneDueTask(
      String name,
      VerificationTask task,
      Set<String> found,
      Instant now,
      List<SentRecord> verified,
      FollowUp followUp) {
    TaskPlan plan = ReceiptFollowUpPlanner.plan(task, found, now, DEADLINE, TUNING);

    assertThat(plan.verified()).containsExactlyElementsOf(verified);
    assertThat(plan.followUp()).isEqualTo(followUp);
  }

  @Test
  void acceptedResendsAreLookedForAgainFromTheAnswerTimeAndTheOthersAreUnverified() {
    Instant sentAt = at(4, 5);
    Instant answeredAt = at(4, 7);
    List<RecordResult> results =
        List.of(
            new RecordResult(REQUESTS.record(), RecordStatus.SUCCESS, "mr-2", null),
            new RecordResult(STORAGE.record(), RecordStatus.UNCONFIRMED, null, "throttled"));

    ResendPlan plan = ReceiptFollowUpPlanner.afterResend(H00, results, sentAt, answeredAt, TUNING);

    SentRecord resent = new SentRecord(REQUESTS.record(), "mr-2", sentAt);
    assertThat(plan.resent()).containsExactly(resent);
    assertThat(plan.checkAgain())
        .isEqualTo(new VerificationTask(H00, List.of(resent), at(4, 37), true, 0));
    assertThat(plan.unverified())
        .isEqualTo(
            new Unverified(
                List.of(new SentRecord(STORAGE.record(), null, sentAt)),
                "re-send was not accepted: null"));
  }

  @Test
  void aFullyAcceptedResendLeavesNothingUnverified() {
    List<RecordResult> results =
        List.of(new RecordResult(REQUESTS.record(), RecordStatus.SUCCESS, "mr-2", null));

    ResendPlan plan = ReceiptFollowUpPlanner.afterResend(H00, results, at(4, 5), at(4, 5), TUNING);

    assertThat(plan.unverified()).isNull();
    assertThat(plan.checkAgain().records()).hasSize(1);
  }

  @Test
  void aRejectedResendIsUnverifiedWithTheAnswer() {
    List<RecordResult> results =
        List.of(new RecordResult(REQUESTS.record(), RecordStatus.INVALID, null, "InvalidUsage"));

    ResendPlan plan = ReceiptFollowUpPlanner.afterResend(H00, results, at(4, 5), at(4, 5), TUNING);

    assertThat(plan.resent()).isEmpty();
    assertThat(plan.checkAgain()).isNull();
    assertThat(plan.unverified().why()).isEqualTo("re-send was not accepted: InvalidUsage");
  }

  @Test
  void dueTasksAreThoseWhoseLookHasComeInTheirOrder() {
    VerificationTask early = new VerificationTask(H00, List.of(REQUESTS), at(2, 0), false, 0);
    VerificationTask now = new VerificationTask(at(1, 0), List.of(STORAGE), at(2, 5), false, 0);
    VerificationTask later = new VerificationTask(at(2, 0), List.of(STORAGE), at(2, 6), false, 0);

    assertThat(ReceiptFollowUpPlanner.due(List.of(later, now, early), at(2, 5)))
        .containsExactly(now, early);
  }

  @Test
  void foundKeysAreTheKeysOfTheRecordsCloudTrailShowed() {
    ReceiptCheckResult result =
        new ReceiptCheckResult(
            List.of(
                new ReceiptCheck(REQUESTS, true, "ev-1"), new ReceiptCheck(STORAGE, false, null)),
            at(2, 0));

    assertThat(ReceiptFollowUpPlanner.foundKeys(result)).containsExactly(REQUESTS.record().key());
  }

  @Test
  void recordsOfUnknownFateFoundInCloudTrailAreVerifiedAndNotCarried() {
    TaskPlan plan =
        ReceiptFollowUpPlanner.plan(fateCheck(), BOTH, false, at(6, 25), DEADLINE, TUNING);
    assertThat(plan.verified()).containsExactly(REQUESTS, STORAGE);
    assertThat(plan.followUp()).isEqualTo(new Done());
  }

  @Test
  void recordsOfUnknownFateMissingFromCloudTrailAreCarriedNotResent() {
    TaskPlan plan =
        ReceiptFollowUpPlanner.plan(
            fateCheck(), Set.of(REQUESTS.record().key()), false, at(6, 25), DEADLINE, TUNING);
    assertThat(plan.verified()).containsExactly(REQUESTS);
    assertThat(plan.followUp()).isEqualTo(new Carry(List.of(STORAGE)));
  }

  @Test
  void aFailedLookupCarriesNothingAndLooksAgain() {
    TaskPlan plan =
        ReceiptFollowUpPlanner.plan(fateCheck(), NONE, true, at(6, 25), DEADLINE, TUNING);
    assertThat(plan.verified()).isEmpty();
    assertThat(plan.followUp())
        .isEqualTo(
            new CheckAgain(
                new VerificationTask(H00, List.of(REQUESTS, STORAGE), at(6, 55), false, 0, true)));
  }

  private static VerificationTask fateCheck() {
    return new VerificationTask(H00, List.of(REQUESTS, STORAGE), at(6, 20), false, 0, true);
  }

  private static Arguments row(
      String name,
      VerificationTask task,
      Set<String> found,
      Instant now,
      List<SentRecord> verified,
      FollowUp followUp) {
    return Arguments.of(name, task, found, now, verified, followUp);
  }

  private static VerificationTask firstLook() {
    return task(false, 0);
  }

  private static VerificationTask task(boolean resent, int checksAfterResend) {
    return new VerificationTask(
        H00, List.of(REQUESTS, STORAGE), at(1, 35), resent, checksAfterResend);
  }

  private static CheckAgain again(
      List<SentRecord> records, Instant next, boolean resent, int checksAfterResend) {
    return new CheckAgain(new VerificationTask(H00, records, next, resent, checksAfterResend));
  }

  private static SentRecord sent(String dimension) {
    return new SentRecord(
        new MeteringRecord(CUSTOMER, dimension, H00, 3), "mr-" + dimension, at(1, 5));
  }

  private static Instant at(int hours, int minutes) {
    return H00.plus(Duration.ofHours(hours)).plus(Duration.ofMinutes(minutes));
  }
}
