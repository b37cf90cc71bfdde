package dev.hourmeter.activities;

import dev.hourmeter.workflows.model.RecordResult;
import java.util.List;

/**
 * Heartbeat details of {@link MeteringSubmissionActivitiesImpl}: the records that already have a
 * final result. A retried attempt reads them back and re-sends only the other records.
 */
public record SubmissionProgress(List<RecordResult> finalResults) {

  public SubmissionProgress {
    finalResults = finalResults == null ? List.of() : List.copyOf(finalResults);
  }
}
