package dev.hourmeter.workflows.state;

import dev.hourmeter.workflows.model.activity.MeteringRecord;
import dev.hourmeter.workflows.model.activity.ReceiptCheck;
import dev.hourmeter.workflows.model.activity.ReceiptCheckResult;
import dev.hourmeter.workflows.model.activity.RecordResult;
import dev.hourmeter.workflows.model.activity.SentRecord;
import dev.hourmeter.workflows.model.api.MeteringTuning;
import dev.hourmeter.workflows.model.checkpoint.VerificationTask;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Decides what happens to accepted records after a CloudTrail look. Pure: the workflow-side {@code
 * ReceiptFollowUp} runs the lookups and re-sends and applies the decisions.
 *
 * <p>A record still missing is looked for again later; once only {@link MeteringTuning#resendLead}
 * of its window is left it is re-sent once (identical, so AWS dedups it) and gets {@link
 * #CHECKS_AFTER_RESEND} more looks; if it still is not seen, or its window has closed before it
 * could be re-sent, it is UNVERIFIED. A record whose fate was unknown when its window closed (an
 * AWS outage) is looked for once: found, it was billed; not found, its usage is carried.
 */
public final class ReceiptFollowUpPlanner {

  /** After a re-send, CloudTrail gets this many more looks before the record is UNVERIFIED. */
  public static final int CHECKS_AFTER_RESEND = 2;

  /** What to do with a task's records that CloudTrail did not show. */
  public sealed interface FollowUp {}

  /** Every record was found. */
  public record Done() implements FollowUp {}

  /** Look again (the task replaces the one that was due). */
  public record CheckAgain(VerificationTask task) implements FollowUp {}

  /** Re-send the records unchanged, to be confirmed before the window closes. */
  public record Resend(List<MeteringRecord> records, Duration untilWindowCloses)
      implements FollowUp {}

  /**
   * Records whose fate was unknown when their window closed and that CloudTrail does not show:
   * their usage is carried to the oldest open period.
   */
  public record Carry(List<SentRecord> records) implements FollowUp {}

  /** Give up: the records are UNVERIFIED. */
  public record Unverified(List<SentRecord> records, String why) implements FollowUp {}

  /** The due task's records CloudTrail showed (VERIFIED), and what follows for the others. */
  public record TaskPlan(List<SentRecord> verified, FollowUp followUp) {}

  /**
   * What a re-send's answers mean: accepted records are RESENT and looked for again ({@code
   * checkAgain}, null when none was accepted); the others are UNVERIFIED ({@code unverified}, null
   * when every record was accepted).
   */
  public record ResendPlan(
      List<SentRecord> resent, VerificationTask checkAgain, Unverified unverified) {}

  private ReceiptFollowUpPlanner() {}

  /** The tasks whose next look is due at {@code now}, in their order. */
  public static List<VerificationTask> due(List<VerificationTask> tasks, Instant now) {
    return tasks.stream().filter(t -> !t.nextCheckAt().isAfter(now)).toList();
  }

  /** The keys ({@link MeteringRecord#key}) of the records CloudTrail showed. */
  public static Set<String> foundKeys(ReceiptCheckResult result) {
    return result.checks().stream()
        .filter(ReceiptCheck::found)
        .map(c -> c.sent().record().key())
        .collect(Collectors.toSet());
  }

  /**
   * Plans one due task.
   *
   * @param found keys of the records CloudTrail showed (empty when the lookup failed)
   * @param windowDeadline the last moment the task's period can still be sent
   */
  public static TaskPlan plan(
      VerificationTask task,
      Set<String> found,
      Instant now,
      Instant windowDeadline,
      MeteringTuning tuning) {
    return plan(task, found, false, now, windowDeadline, tuning);
  }

  /**
   * Plans one due task. A task of records whose fate is unknown ({@link
   * VerificationTask#carryIfMissing}) carries what CloudTrail does not show, and looks again later
   * when the lookup failed ({@code lookupFailed}): not seeing a record is only an answer when
   * CloudTrail was read.
   */
  public static TaskPlan plan(
      VerificationTask task,
      Set<String> found,
      boolean lookupFailed,
      Instant now,
      Instant windowDeadline,
      MeteringTuning tuning) {
    List<SentRecord> verified = new ArrayList<>();
    List<SentRecord> missing = new ArrayList<>();
    for (SentRecord sent : task.records()) {
      (found.contains(sent.record().key()) ? verified : missing).add(sent);
    }
    if (missing.isEmpty()) {
      return new TaskPlan(verified, new Done());
    }
    if (task.carryIfMissing()) {
      FollowUp followUp =
          lookupFailed
              ? new CheckAgain(
                  new VerificationTask(
                      task.periodStart(), missing, now.plus(tuning.verifyDelay()), false, 0, true))
              : new Carry(missing);
      return new TaskPlan(verified, followUp);
    }
    return new TaskPlan(verified, followUp(task, missing, now, windowDeadline, tuning));
  }

  private static FollowUp followUp(
      VerificationTask task,
      List<SentRecord> missing,
      Instant now,
      Instant windowDeadline,
      MeteringTuning tuning) {
    Instant period = task.periodStart();
    if (task.resent()) {
      int checks = task.checksAfterResend() + 1;
      if (checks >= CHECKS_AFTER_RESEND) {
        return new Unverified(missing, "not in CloudTrail even after a re-send");
      }
      return new CheckAgain(
          new VerificationTask(period, missing, now.plus(tuning.verifyDelay()), true, checks));
    }
    Instant resendAt = windowDeadline.minus(tuning.resendLead());
    if (now.isBefore(resendAt)) {
      Instant next = now.plus(tuning.verifyDelay());
      return new CheckAgain(
          new VerificationTask(
              period, missing, next.isBefore(resendAt) ? next : resendAt, false, 0));
    }
    Duration untilWindowCloses = Duration.between(now, windowDeadline);
    if (untilWindowCloses.compareTo(Duration.ofSeconds(1)) < 0) {
      return new Unverified(missing, "not in CloudTrail and the timestamp window has closed");
    }
    return new Resend(missing.stream().map(SentRecord::record).toList(), untilWindowCloses);
  }

  /**
   * Plans what follows a re-send of {@code period}'s records.
   *
   * @param sentAt when the re-send started
   * @param now when its answer came (the next look is counted from here)
   */
  public static ResendPlan afterResend(
      Instant period,
      List<RecordResult> results,
      Instant sentAt,
      Instant now,
      MeteringTuning tuning) {
    List<SentRecord> resent = new ArrayList<>();
    List<SentRecord> failed = new ArrayList<>();
    for (RecordResult result : results) {
      SentRecord sent = new SentRecord(result.record(), result.meteringRecordId(), sentAt);
      (result.status().accepted() ? resent : failed).add(sent);
    }
    VerificationTask checkAgain =
        resent.isEmpty()
            ? null
            : new VerificationTask(period, resent, now.plus(tuning.verifyDelay()), true, 0);
    Unverified unverified =
        failed.isEmpty()
            ? null
            : new Unverified(failed, "re-send was not accepted: " + results.get(0).detail());
    return new ResendPlan(resent, checkAgain, unverified);
  }
}
