package dev.hourmeter.workflows;

import dev.hourmeter.workflows.model.MeteringState;
import dev.hourmeter.workflows.model.Quantities;
import dev.hourmeter.workflows.state.CustomerState;
import io.temporal.workflow.Workflow;
import java.math.BigDecimal;
import java.util.Map;
import org.slf4j.Logger;

/**
 * The {@code subscriptionEnded} signal (AWS's unsubscribe-success: no more records are accepted):
 * the workflow ends without sending anything more, and the usage it could not bill is reported as
 * unbilled at the end. Change {@link WorkflowChanges#SUBSCRIPTION_ENDED}: a history written before
 * the change never ends this way (the signal did not exist), so the decision is taken once, at the
 * first point the run would end, and a run on the old path ignores the signal.
 */
final class SubscriptionEnd {

  private static final Logger log = Workflow.getLogger(SubscriptionEnd.class);

  private final CustomerState state;
  private final MeteringVisibility visibility;
  private boolean requested;
  private boolean ignored;

  SubscriptionEnd(CustomerState state, MeteringVisibility visibility) {
    this.state = state;
    this.visibility = visibility;
  }

  /** The signal arrived (idempotent). */
  void request() {
    requested = true;
  }

  /** Whether the signal arrived and may still end the run (the waits wake for it). */
  boolean pending() {
    return requested && !ignored;
  }

  /**
   * Whether the run ends now without sending. The first call after the signal records the change
   * id's version; on the old path the signal is ignored from then on.
   */
  boolean endsNow() {
    if (!pending()) {
      return false;
    }
    if (Workflow.getVersion(WorkflowChanges.SUBSCRIPTION_ENDED, Workflow.DEFAULT_VERSION, 1)
        == Workflow.DEFAULT_VERSION) {
      ignored = true;
      return false;
    }
    return true;
  }

  /** Sets the state ENDED (one upsert when it changes) and reports what was never billed. */
  void end() {
    Map<String, BigDecimal> unbilled = state.unbilledUsage();
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
