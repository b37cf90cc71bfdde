package dev.hourmeter.workflows;

import dev.hourmeter.workflows.model.api.MeteringState;
import dev.hourmeter.workflows.model.api.Quantities;
import dev.hourmeter.workflows.state.CustomerState;
import io.temporal.workflow.Workflow;
import java.math.BigDecimal;
import java.util.Map;
import org.slf4j.Logger;

/**
 * The {@code subscriptionEnded} signal (AWS's unsubscribe-success: no more records are accepted):
 * the workflow ends without sending anything more, and the usage it could not bill is reported as
 * unbilled at the end.
 */
final class SubscriptionEnd {

  private static final Logger log = Workflow.getLogger(SubscriptionEnd.class);

  private final CustomerState state;
  private final MeteringVisibility visibility;
  private boolean requested;

  SubscriptionEnd(CustomerState state, MeteringVisibility visibility) {
    this.state = state;
    this.visibility = visibility;
  }

  /** The signal arrived (idempotent). */
  void request() {
    requested = true;
  }

  /** Whether the signal arrived: the run ends at its next decision point without sending. */
  boolean requested() {
    return requested;
  }

  /** Sets the state ENDED (one upsert when it changes) and reports what was never billed. */
  void end() {
    Map<String, BigDecimal> unbilled = state.billableUsage().unbilled();
    BigDecimal total = Quantities.total(unbilled);
    String reason = "subscription ended, AWS accepts no more records";
    if (total.signum() > 0) {
      reason += "; never billed: " + unbilled;
      log.error("metering ended with usage never billed (subscription ended): {}", unbilled);
      MeteringMetrics.unbilledAtEnd(total);
    } else {
      log.info("metering ended: subscription ended, nothing left unbilled");
    }
    visibility.changeState(MeteringState.ENDED, reason);
  }
}
