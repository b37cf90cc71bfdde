package dev.hourmeter.workflows.model.activity;

import java.util.List;

/**
 * Records of one product to send with BatchMeterUsage (the activity splits them into calls of at
 * most 25).
 */
public record SubmissionRequest(String productCode, List<MeteringRecord> records) {

  public SubmissionRequest {
    records = List.copyOf(records);
  }
}
