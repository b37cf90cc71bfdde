package dev.hourmeter.activities.batching;

import dev.hourmeter.workflows.model.MeteringRecord;
import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * What a {@link RecordSender} is asked to send: {@code records} of {@code productCode}, for the
 * workflow {@code workflowId} (named in log lines written by threads that are not the activity's;
 * may be null), with a {@link SendListener#checkpoint()} at least every {@code checkpointEvery}
 * while the sender waits.
 */
public record SendRequest(
    String productCode, List<MeteringRecord> records, String workflowId, Duration checkpointEvery) {

  public SendRequest {
    Objects.requireNonNull(productCode, "productCode");
    records = List.copyOf(records);
    Objects.requireNonNull(checkpointEvery, "checkpointEvery");
  }
}
