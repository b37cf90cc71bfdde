package dev.hourmeter.workflows.model;

import java.util.List;

/**
 * What a failed SubmitUsageRecords attempt knew, attached to its failure as details and heartbeated
 * (the same JSON shape as the activity's heartbeat): the records with a final result, and those
 * some attempt sent without learning whether AWS processed them. Every other record was certainly
 * not accepted (every attempt was refused before AWS processed it).
 */
public record SubmissionOutcome(List<RecordResult> finalResults, List<MeteringRecord> fateUnknown) {

  public SubmissionOutcome {
    finalResults = finalResults == null ? List.of() : List.copyOf(finalResults);
    fateUnknown = fateUnknown == null ? List.of() : List.copyOf(fateUnknown);
  }
}
