package dev.hourmeter.workflows.state;

import dev.hourmeter.workflows.model.activity.RecordResult;
import dev.hourmeter.workflows.model.activity.RecordStatus;
import dev.hourmeter.workflows.model.activity.SentRecord;
import dev.hourmeter.workflows.model.checkpoint.VerificationTask;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * Accepted records still waiting for CloudTrail, one task per period and look, in the order they
 * were added (carried across continue-as-new).
 */
public final class VerificationQueue {

  private final List<VerificationTask> tasks = new ArrayList<>();

  VerificationQueue(List<VerificationTask> restored) {
    tasks.addAll(restored);
  }

  /** A submitted period's accepted records wait {@code delay} for their first look. */
  void schedule(Instant periodStart, List<RecordResult> results, Instant now, Duration delay) {
    List<SentRecord> accepted =
        results.stream()
            .filter(r -> r.status().accepted())
            .map(r -> new SentRecord(r.record(), r.meteringRecordId(), now))
            .toList();
    if (!accepted.isEmpty()) {
      tasks.add(new VerificationTask(periodStart, accepted, now.plus(delay), false, 0));
    }
  }

  /**
   * Records whose fate is unknown ({@link RecordStatus#FATE_UNKNOWN}) wait for one look at {@code
   * checkAt}; what CloudTrail does not show then is carried.
   */
  void scheduleFateCheck(
      Instant periodStart, List<RecordResult> results, Instant sentAt, Instant checkAt) {
    List<SentRecord> unknown =
        results.stream()
            .filter(r -> r.status() == RecordStatus.FATE_UNKNOWN)
            .map(r -> new SentRecord(r.record(), null, sentAt))
            .toList();
    if (!unknown.isEmpty()) {
      tasks.add(new VerificationTask(periodStart, unknown, checkAt, false, 0, true));
    }
  }

  /** Whether records of unknown fate wait for their CloudTrail look. */
  public boolean waitingOnOutage() {
    return tasks.stream().anyMatch(VerificationTask::carryIfMissing);
  }

  public List<VerificationTask> tasks() {
    return Collections.unmodifiableList(tasks);
  }

  public boolean isEmpty() {
    return tasks.isEmpty();
  }

  public void add(VerificationTask task) {
    tasks.add(task);
  }

  public void removeAll(List<VerificationTask> done) {
    tasks.removeAll(done);
  }

  /** When the earliest look is due; null when nothing waits. */
  public Instant nextCheckAt() {
    return tasks.stream().map(VerificationTask::nextCheckAt).min(Instant::compareTo).orElse(null);
  }
}
