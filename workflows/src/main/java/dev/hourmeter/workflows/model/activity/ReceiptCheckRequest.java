package dev.hourmeter.workflows.model.activity;

import java.util.List;

/** Records of one product to look for in CloudTrail's BatchMeterUsage events. */
public record ReceiptCheckRequest(String productCode, List<SentRecord> records) {

  public ReceiptCheckRequest {
    records = List.copyOf(records);
  }
}
