package dev.hourmeter.starter;

import dev.hourmeter.workflows.model.activity.MeteringRecord;
import dev.hourmeter.workflows.model.activity.RecordResult;
import dev.hourmeter.workflows.model.api.MeteringStatus;
import java.time.Instant;
import java.util.List;

/**
 * What {@code status} knows about a customer whose latest run is closed: how it closed (from the
 * server), and, when the status query cannot answer (a terminated or timed-out run: the SDK cannot
 * replay a history the server closed), the last state found in the history.
 *
 * @param status how the run closed, as the Temporal UI spells it (Terminated, Failed, ...)
 * @param closeReason the terminate reason, the failure message, or what the server says
 * @param state the state to go by: {@code ENDED} for a run that completed, else how it closed
 *     ({@code TERMINATED}, {@code CANCELED}, {@code TIMED_OUT}, {@code FAILED}), whatever {@code
 *     meteringState} says (a run closed from outside keeps the attribute it last upserted)
 * @param meteringState the {@code MeteringState} search attribute at the close
 * @param meteringVerification the {@code MeteringVerification} search attribute at the close
 * @param answer the status query's answer; null when it could not answer
 * @param queryProblem why the query was not used, or why it failed; null when it answered
 * @param lastKnown the last state found in the history; null when the query answered
 */
record ClosedRun(
    String workflowId,
    String runId,
    String status,
    Instant closeTime,
    String closeReason,
    String state,
    String meteringState,
    String meteringVerification,
    MeteringStatus answer,
    String queryProblem,
    LastKnown lastKnown) {

  /**
   * The last state found in the run's history, labelled by where it comes from.
   *
   * @param runStartedAt when the run started
   * @param checkpoint the state the run started from (its continue-as-new checkpoint, or a fresh
   *     customer), as the status query would have shown it then; null if the input was unreadable
   * @param checkpointProblem why the input could not be read; null when it was
   * @param submissionsCompleted SubmitUsageRecords activities completed in this run
   * @param lastSubmissionAt when the last of them completed
   * @param lastSubmission AWS's answer to the last completed submission
   * @param inFlight records of submissions scheduled but not completed at the close: whether AWS
   *     received them is unknown (re-sending is safe: AWS deduplicates identical records)
   * @param usageSignalsReceived {@code recordUsage} signals received in this run (validated or not)
   * @param usageUpdatesAccepted {@code reportUsage} updates accepted in this run
   */
  record LastKnown(
      Instant runStartedAt,
      MeteringStatus checkpoint,
      String checkpointProblem,
      int submissionsCompleted,
      Instant lastSubmissionAt,
      List<RecordResult> lastSubmission,
      List<MeteringRecord> inFlight,
      int usageSignalsReceived,
      int usageUpdatesAccepted) {}
}
