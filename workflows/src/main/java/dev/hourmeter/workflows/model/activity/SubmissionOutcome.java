package dev.hourmeter.workflows.model.activity;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import java.util.List;

/**
 * What a failed SubmitUsageRecords attempt knew, attached to its failure as details and heartbeated
 * (the same JSON shape as the activity's heartbeat): the records with a final result, and those
 * some attempt sent without learning whether AWS processed them. Every other record was certainly
 * not accepted (every attempt was refused before AWS processed it).
 *
 * <p>Unknown fields are ignored: the activity's heartbeat ({@code SubmissionProgress}) carries more
 * than the workflow needs, and a worker may be upgraded before or after the workflow code that
 * reads it (the SDK's mapper otherwise fails on an unknown field, and the details would be lost).
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record SubmissionOutcome(List<RecordResult> finalResults, List<MeteringRecord> fateUnknown) {

  public SubmissionOutcome {
    finalResults = finalResults == null ? List.of() : List.copyOf(finalResults);
    fateUnknown = fateUnknown == null ? List.of() : List.copyOf(fateUnknown);
  }
}
