package dev.hourmeter.activities;

import dev.hourmeter.workflows.model.MeteringRecord;
import dev.hourmeter.workflows.model.RecordResult;
import java.util.List;

/**
 * Heartbeat details of {@link MeteringSubmissionActivitiesImpl}: the records that already have a
 * final result, and those whose fate is unknown (some attempt sent them, or was sending them, and
 * never learned whether AWS processed them). A retried attempt reads them back and re-sends only
 * the records without a final result. The same JSON shape as the workflow's {@code
 * SubmissionOutcome}, which the workflow reads from a failed attempt.
 */
public record SubmissionProgress(
    List<RecordResult> finalResults, List<MeteringRecord> fateUnknown) {

  public SubmissionProgress {
    finalResults = finalResults == null ? List.of() : List.copyOf(finalResults);
    fateUnknown = fateUnknown == null ? List.of() : List.copyOf(fateUnknown);
  }

  public SubmissionProgress(List<RecordResult> finalResults) {
    this(finalResults, List.of());
  }
}
