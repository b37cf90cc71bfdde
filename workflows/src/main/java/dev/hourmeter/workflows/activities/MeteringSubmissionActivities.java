package dev.hourmeter.workflows.activities;

import dev.hourmeter.workflows.model.activity.SubmissionRequest;
import dev.hourmeter.workflows.model.activity.SubmissionResult;
import io.temporal.activity.ActivityInterface;
import io.temporal.activity.ActivityMethod;

/**
 * Sends records with BatchMeterUsage in calls of at most 25. Retryable failures (throttling, 5xx,
 * UnprocessedRecords) fail the attempt so Temporal retries it with backoff; progress is kept in
 * heartbeat details so a retry re-sends only what has no final answer. Invalid* and
 * TimestampOutOfBounds batches are bisected so one bad record does not take the others down; those
 * records get a final non-success status.
 */
@ActivityInterface
public interface MeteringSubmissionActivities {

  @ActivityMethod(name = "SubmitUsageRecords")
  SubmissionResult submitUsageRecords(SubmissionRequest request);
}
