package dev.hourmeter.workflows;

import dev.hourmeter.workflows.model.activity.ReceiptStatus;
import dev.hourmeter.workflows.model.api.CustomerId;
import dev.hourmeter.workflows.model.api.MeteringCounters;
import dev.hourmeter.workflows.model.api.MeteringState;
import dev.hourmeter.workflows.model.api.MeteringTuning;
import dev.hourmeter.workflows.state.CustomerState;
import io.temporal.workflow.Workflow;
import java.time.Duration;
import org.slf4j.Logger;

/**
 * What the Web UI and {@code list} show of a customer: the {@code MeteringState} and {@code
 * MeteringVerification} search attributes (upserted only when they change: each upsert is a billed
 * action) and the workflow's current details (with a licensed customer's LicenseArn; {@code
 * MeteringLicense} itself is set at start).
 */
final class MeteringVisibility {

  private static final Logger log = Workflow.getLogger(MeteringVisibility.class);

  /** The value of {@code MeteringOutage} while outage usage waits. */
  static final String OUTAGE_WAITING = "WAITING";

  private final CustomerState state;

  MeteringVisibility(CustomerState state) {
    this.state = state;
  }

  /** Sets the state and its reason; a new state is logged and upserted. */
  void changeState(MeteringState newState, String reason) {
    MeteringState old = state.state();
    if (state.setState(newState, reason)) {
      log.info("state {} -> {} ({})", old, newState, reason);
      upsertState();
    }
    updateDetails();
  }

  /** Sets the reason shown with the state, keeping the state; shown at the next details update. */
  void setReason(String reason) {
    state.setReason(reason);
  }

  /** The reason shown with the state. */
  String reason() {
    return state.stateReason();
  }

  /** Upserts {@code MeteringState} when the indexed value differs. */
  void upsertState() {
    String name = state.state().name();
    String current = Workflow.getTypedSearchAttributes().get(MeteringSearchAttributes.STATE);
    if (!name.equals(current)) {
      Workflow.upsertTypedSearchAttributes(MeteringSearchAttributes.STATE.valueSet(name));
    }
  }

  /** Makes the customer findable as {@code MeteringVerification=UNVERIFIED} (once). */
  void flagUnverified() {
    String current = Workflow.getTypedSearchAttributes().get(MeteringSearchAttributes.VERIFICATION);
    if (!ReceiptStatus.UNVERIFIED.name().equals(current)) {
      Workflow.upsertTypedSearchAttributes(
          MeteringSearchAttributes.VERIFICATION.valueSet(ReceiptStatus.UNVERIFIED.name()));
    }
  }

  /**
   * Sets {@code MeteringOutage=WAITING} while usage an AWS outage kept from being billed waits, and
   * unsets it once resolved (upserted only on a change). The counters {@code
   * hourmeter_outage_flagged} less {@code hourmeter_outage_cleared} is the number of customers
   * flagged (no customer ids in metric tags: the search attribute names them).
   */
  void updateOutage() {
    boolean waiting = state.outageUsageWaiting();
    String current = Workflow.getTypedSearchAttributes().get(MeteringSearchAttributes.OUTAGE);
    boolean flagged = OUTAGE_WAITING.equals(current);
    if (waiting != flagged) {
      log.info("MeteringOutage {}", waiting ? OUTAGE_WAITING : "cleared");
      Workflow.upsertTypedSearchAttributes(
          waiting
              ? MeteringSearchAttributes.OUTAGE.valueSet(OUTAGE_WAITING)
              : MeteringSearchAttributes.OUTAGE.valueUnset());
      Workflow.getMetricsScope()
          .counter(waiting ? "hourmeter_outage_flagged" : "hourmeter_outage_cleared")
          .inc(1);
    }
  }

  void updateDetails() {
    MeteringCounters counters = state.counters();
    String reason = state.stateReason();
    CustomerId customer = state.currentCustomer();
    Workflow.setCurrentDetails(
        (customer.hasLicense() ? "**License** " + customer.licenseArn() + "  \n" : "")
            + "**State** "
            + state.state()
            + (reason.isEmpty() ? "" : " (" + reason + ")")
            + "  \n**Open period** "
            + state.calendar().periodStartOf(WorkflowTime.now())
            + closeRule()
            + "  \n**Last submission** "
            + state.submissions().lastSubmission()
            + "  \n**Accepted** "
            + counters.recordsAccepted()
            + " records, not accepted "
            + counters.recordsNotAccepted()
            + "  \n**CloudTrail** verified "
            + counters.recordsVerified()
            + ", re-sent "
            + counters.recordsResent()
            + ", unverified "
            + counters.recordsUnverified());
  }

  /**
   * When each period closes: after its end, the grace and the customer's offset in the close spread
   * (a run from before the spread shows the grace alone).
   */
  private String closeRule() {
    MeteringTuning tuning = state.subscription().tuning();
    Duration offset = state.closeOffset();
    return "  \n**Closes** each period "
        + tuning.grace()
        + (offset == null
            ? ""
            : " + " + offset + " (its offset in the close spread " + tuning.closeSpread() + ")")
        + " after it ends";
  }
}
