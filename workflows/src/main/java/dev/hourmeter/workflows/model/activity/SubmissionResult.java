package dev.hourmeter.workflows.model.activity;

import java.util.List;

/** One result per submitted record, plus how many BatchMeterUsage calls it took (for operators). */
public record SubmissionResult(List<RecordResult> results, int calls) {

  public SubmissionResult {
    results = List.copyOf(results);
  }
}
