package dev.hourmeter.activities.aws;

import dev.hourmeter.workflows.model.activity.MeteringRecord;
import dev.hourmeter.workflows.model.activity.UsageAllocation;
import java.util.Map;

/**
 * An upper bound of the bytes a record takes in a BatchMeterUsage request body, allocations
 * included, so that batches stay below AWS's 1 MB request limit. Generous on purpose: field names,
 * the longest number forms and JSON escapes are all counted.
 */
public final class RequestSize {

  /** AWS refuses a request of 1 MB or more. */
  public static final int AWS_MAX_REQUEST_BYTES = 1_000_000;

  /** What one batch's records may add up to: the rest is headroom for the envelope. */
  public static final int BATCH_BUDGET_BYTES = 950_000;

  /** A record without allocations: timestamp, dimension, quantity, customer, license. */
  private static final int RECORD_BYTES = 200;

  private static final int ALLOCATION_BYTES = 64;
  private static final int TAG_BYTES = 28;

  private RequestSize() {}

  public static int of(MeteringRecord record) {
    int bytes =
        RECORD_BYTES
            + escaped(record.dimension())
            + escaped(record.customer().value())
            + (record.customer().licenseArn() == null
                ? 0
                : record.customer().licenseArn().length());
    for (UsageAllocation allocation : record.usageAllocations()) {
      bytes += ALLOCATION_BYTES;
      for (Map.Entry<String, String> tag : allocation.tags().entrySet()) {
        bytes += TAG_BYTES + escaped(tag.getKey()) + escaped(tag.getValue());
      }
    }
    return bytes;
  }

  /** Characters plus one per character JSON escapes (a tag may hold {@code "}). */
  private static int escaped(String text) {
    if (text == null) {
      return 0;
    }
    int bytes = text.length();
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (c == '"' || c == '\\' || c < 0x20) {
        bytes += 5;
      } else if (c > 0x7f) {
        bytes += 2;
      }
    }
    return bytes;
  }
}
