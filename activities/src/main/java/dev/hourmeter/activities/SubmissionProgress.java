package dev.hourmeter.activities;

import dev.hourmeter.workflows.model.activity.MeteringRecord;
import dev.hourmeter.workflows.model.activity.RecordResult;
import java.util.List;

/**
 * Heartbeat details of {@link MeteringSubmissionActivitiesImpl}: the records that already have a
 * final result, and those whose fate is unknown (some attempt sent them, or was sending them, and
 * never learned whether AWS processed them). A retried attempt reads them back and re-sends only
 * the records without a final result. The same JSON shape as the workflow's {@code
 * SubmissionOutcome}, which the workflow reads from a failed attempt (it ignores {@code
 * attemptEnded}).
 *
 * @param attemptEnded written by an attempt as it failed, after its send ended: every record
 *     neither final nor of unknown fate was certainly not processed by AWS. Any other heartbeat
 *     ({@code false}) may be followed by sends the server never heard of (the worker was killed
 *     before its next heartbeat reached the server): the next attempt treats every record without a
 *     final result as of unknown fate. Null (details without this field) counts as {@code false}.
 */
public record SubmissionProgress(
    List<RecordResult> finalResults, List<MeteringRecord> fateUnknown, Boolean attemptEnded) {

  public SubmissionProgress {
    finalResults = finalResults == null ? List.of() : List.copyOf(finalResults);
    fateUnknown = fateUnknown == null ? List.of() : List.copyOf(fateUnknown);
  }

  /** The details of an ended attempt with these final results and no record of unknown fate. */
  public SubmissionProgress(List<RecordResult> finalResults) {
    this(finalResults, List.of(), true);
  }

  public boolean ended() {
    return Boolean.TRUE.equals(attemptEnded);
  }
}
