package dev.hourmeter.workflows;

import dev.hourmeter.workflows.model.activity.MeteringRecord;
import dev.hourmeter.workflows.model.activity.RecordResult;
import dev.hourmeter.workflows.model.activity.RecordStatus;
import dev.hourmeter.workflows.model.activity.SubmissionOutcome;
import io.temporal.common.converter.Values;
import io.temporal.failure.ActivityFailure;
import io.temporal.failure.ApplicationFailure;
import io.temporal.failure.TimeoutFailure;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads what a SubmitUsageRecords activity that never completed knew: the details of its last
 * attempt's failure, else the last heartbeat of a timed-out attempt; and turns it into one result
 * per record.
 */
final class SubmissionOutcomes {

  private SubmissionOutcomes() {}

  /**
   * One result per record of an activity that failed for good. When the last attempt failed with
   * its outcome attached, that outcome decides ({@link #resultsOf}); when the activity timed out
   * (an attempt may have been mid-call), only the final results of its last heartbeat are kept and
   * every other record's fate is unknown.
   */
  static List<RecordResult> resultsOf(
      List<MeteringRecord> records, ActivityFailure failure, String detail) {
    Throwable cause = failure.getCause();
    if (cause instanceof ApplicationFailure app) {
      SubmissionOutcome outcome = read(app.getDetails());
      if (outcome != null) {
        return resultsOf(records, outcome, false, detail);
      }
    } else if (cause instanceof TimeoutFailure timeout) {
      SubmissionOutcome beat = read(timeout.getLastHeartbeatDetails());
      if (beat != null) {
        return resultsOf(records, beat, true, detail);
      }
    }
    return resultsOf(records, new SubmissionOutcome(null, null), true, detail);
  }

  private static SubmissionOutcome read(Values details) {
    try {
      return details == null || details.getSize() == 0
          ? null
          : details.get(0, SubmissionOutcome.class);
    } catch (RuntimeException e) {
      return null; // details of another shape: nothing is known
    }
  }

  /**
   * One result per record: its final result if it has one; else {@code NOT_ACCEPTED} when the
   * outcome shows every attempt was refused before AWS processed it, else {@code FATE_UNKNOWN} (for
   * every record without a final result when {@code allUnknown}).
   */
  static List<RecordResult> resultsOf(
      List<MeteringRecord> records, SubmissionOutcome outcome, boolean allUnknown, String detail) {
    Map<MeteringRecord, Deque<RecordResult>> finals = new HashMap<>();
    Map<MeteringRecord, Integer> unknown = new HashMap<>();
    outcome
        .finalResults()
        .forEach(r -> finals.computeIfAbsent(r.record(), k -> new ArrayDeque<>()).add(r));
    outcome.fateUnknown().forEach(r -> unknown.merge(r, 1, Integer::sum));
    List<RecordResult> results = new ArrayList<>();
    for (MeteringRecord record : records) {
      Deque<RecordResult> done = finals.get(record);
      if (done != null && !done.isEmpty() && done.peek().status() != RecordStatus.UNCONFIRMED) {
        results.add(done.poll());
      } else if (allUnknown || unknown.getOrDefault(record, 0) > 0) {
        unknown.computeIfPresent(record, (k, n) -> n - 1);
        results.add(new RecordResult(record, RecordStatus.FATE_UNKNOWN, null, detail));
      } else {
        results.add(new RecordResult(record, RecordStatus.NOT_ACCEPTED, null, detail));
      }
    }
    return results;
  }
}
