package dev.hourmeter.workflows;

import dev.hourmeter.workflows.model.activity.MeteringRecord;
import dev.hourmeter.workflows.state.IdentityHistory;
import dev.hourmeter.workflows.state.Submissions;
import io.temporal.workflow.Workflow;
import java.time.Instant;
import java.util.List;
import org.slf4j.Logger;

/**
 * The one gate records pass on their way to BatchMeterUsage (a period's first send, a re-send after
 * a CloudTrail miss, a leftover period after unsubscribe): each goes out under its hour's identity
 * kind ({@link IdentityHistory#inForce}), so a customer-hour is never sent under both ProductCode
 * and LicenseArn, which AWS would bill twice. A record that had to be moved is logged at ERROR (a
 * bug upstream), counted in {@code recordsReassigned} and in the metric {@code
 * hourmeter_records_identity_reassigned}. No command is added: the same activity runs with the same
 * number of records.
 */
final class IdentityGuardLog {

  private static final Logger log = Workflow.getLogger(IdentityGuardLog.class);

  private IdentityGuardLog() {}

  static List<MeteringRecord> inForce(
      Submissions submissions, List<MeteringRecord> records, Instant period) {
    IdentityHistory.Guarded guarded = submissions.inForce(records);
    if (!guarded.reassigned().isEmpty()) {
      log.error(
          "{} record(s) of {} were about to go out under another identity kind than their hour's"
              + " (AWS would bill the hour twice); sent under the hour's identity instead: {}",
          guarded.reassigned().size(),
          period,
          guarded.reassigned().stream().map(MeteringRecord::key).toList());
      Workflow.getMetricsScope()
          .counter("hourmeter_records_identity_reassigned")
          .inc(guarded.reassigned().size());
    }
    return guarded.records();
  }
}
