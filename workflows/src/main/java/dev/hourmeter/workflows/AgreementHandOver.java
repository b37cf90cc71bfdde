package dev.hourmeter.workflows;

import dev.hourmeter.workflows.model.api.AgreementEnd;
import dev.hourmeter.workflows.model.api.AgreementLink;
import dev.hourmeter.workflows.model.api.CustomerId;
import dev.hourmeter.workflows.model.api.MeteringState;
import dev.hourmeter.workflows.model.api.UsageReport;
import dev.hourmeter.workflows.state.CustomerState;
import dev.hourmeter.workflows.state.Succession;
import dev.hourmeter.workflows.state.UsageJson;
import io.temporal.failure.ActivityFailure;
import io.temporal.workflow.Promise;
import io.temporal.workflow.SignalExternalWorkflowException;
import io.temporal.workflow.Workflow;
import java.util.List;
import org.slf4j.Logger;

/**
 * A licensed customer's agreement renewed or replaced (the {@code agreementEnded} signal, from the
 * lifecycle intake): the workflow keeps billing usage dated before the hand-over under its own
 * license through the period holding it (closed at once: the old license's final window is short),
 * holds usage dated from then on, looks for the successor's workflow (FindSuccessor, by product and
 * acceptor account), tells it {@code takeOver} and forwards the held usage to it. After its last
 * period it only forwards. No successor within {@link Succession#SUCCESSOR_WAIT}: the agreement
 * ends as a cancellation, the held usage reported unbilled. The other side, {@code takeOver}, only
 * records the predecessor.
 */
final class AgreementHandOver {

  static final String TAKE_OVER = "takeOver";

  private static final Logger log = Workflow.getLogger(AgreementHandOver.class);

  private final CustomerState state;
  private final MeteringActivityStubs activities;
  private final MeteringVisibility visibility;

  /** A request not acted on yet (the main loop acts on it, behind its version check). */
  private AgreementEnd requested;

  private Promise<AgreementLink> search;
  private boolean successorGone;

  AgreementHandOver(
      CustomerState state, MeteringActivityStubs activities, MeteringVisibility visibility) {
    this.state = state;
    this.activities = activities;
    this.visibility = visibility;
  }

  // ---------------------------------------------------------------- signals

  /** The {@code agreementEnded} signal: a malformed or repeated request is logged and ignored. */
  void request(AgreementEnd end) {
    String problem =
        end == null
            ? "agreementEnded: a request is required"
            : !state.subscription().customer().hasLicense()
                ? "agreementEnded: only a licensed customer is handed over"
                : end.problem();
    if (problem == null
        && end.endedAt().isAfter(WorkflowTime.now().plus(state.subscription().period()))) {
      problem = "endedAt: " + end.endedAt() + " is more than a period ahead of now";
    }
    if (problem != null) {
      log.warn("ignoring agreementEnded: {}", problem);
      return;
    }
    if (state.succession().ended() == null && requested == null) {
      requested = end;
    }
  }

  /** The {@code takeOver} signal from the predecessor's workflow. */
  void takeOver(AgreementLink from) {
    String problem = takeOverProblem(from);
    if (problem != null) {
      log.warn("ignoring takeOver: {}", problem);
      return;
    }
    if (state.succession().takeOver(from)) {
      log.info(
          "took over from {} ({}) at {}",
          from.workflowId(),
          from.licenseArn(),
          from.handedOverAt());
    } else if (!from.equals(state.succession().predecessor())) {
      log.warn(
          "ignoring takeOver from {}: already took over from {}",
          from.workflowId(),
          state.succession().predecessor().workflowId());
    }
  }

  /**
   * What is wrong with a {@code takeOver}, null when it can be recorded. Only another license of
   * the same product and account, named by its own workflow id, can be taken over: the
   * predecessor's pulled usage becomes this customer's from the hand-over on.
   */
  private String takeOverProblem(AgreementLink from) {
    CustomerId self = state.subscription().customer();
    if (from == null || from.workflowId() == null || from.licenseArn() == null) {
      return "a predecessor workflow and license are required";
    }
    if (from.handedOverAt() == null) {
      return "handedOverAt: is required";
    }
    if (!self.hasLicense() || from.licenseArn().equals(self.licenseArn())) {
      return "only a licensed customer takes over another license";
    }
    String expected;
    try {
      expected =
          MeteringWorkflowIds.forCustomer(
              state.subscription().productCode(),
              CustomerId.licensed(self.customerAwsAccountId(), from.licenseArn()));
    } catch (IllegalArgumentException e) {
      return "licenseArn: " + e.getMessage();
    }
    if (!expected.equals(from.workflowId())) {
      return "workflowId: "
          + UsageJson.truncate(from.workflowId())
          + " is not the workflow of license "
          + UsageJson.truncate(from.licenseArn())
          + " of this product and account";
    }
    return null;
  }

  // ---------------------------------------------------------------- the main loop's part

  /** Whether a request, a finished search or usage to forward needs the main loop. */
  boolean needsAttention() {
    Succession s = state.succession();
    return requested != null
        || (search != null && search.isCompleted())
        || (s.successor() != null && !successorGone && !s.held().isEmpty());
  }

  boolean hasRequest() {
    return requested != null;
  }

  /**
   * Acts on the request: from here on no period after the hand-over's is closed, later usage is
   * held, and the successor is looked for. False when this run's history predates hand-overs (1.0
   * ignored the signal): the request is dropped.
   */
  boolean accept() {
    AgreementEnd end = requested;
    requested = null;
    int version =
        Workflow.getVersion(WorkflowChanges.AGREEMENT_HAND_OVER, Workflow.DEFAULT_VERSION, 1);
    if (version == Workflow.DEFAULT_VERSION) {
      return false;
    }
    if (state.endAgreement(end, WorkflowTime.now())) {
      log.info(
          "agreement {} ended {} at {}: usage from then on goes to its successor",
          end.agreementId(),
          end.status(),
          end.endedAt());
      visibility.setReason(
          "agreement " + end.status() + " at " + end.endedAt() + ": handing over to its successor");
      visibility.updateDetails();
      resume();
    }
    return true;
  }

  /** Starts looking for the successor when this run needs one and no search runs. */
  void resume() {
    Succession s = state.succession();
    if (s.searching() && search == null) {
      search =
          activities.findSuccessor(
              s.ended(), Workflow.getInfo().getWorkflowId(), s.successorWaitUntil());
    }
  }

  /** Takes a finished search's answer: tells the successor, or gives up. */
  void afterSearch() {
    if (search == null || !search.isCompleted()) {
      return;
    }
    Promise<AgreementLink> done = search;
    search = null;
    Succession s = state.succession();
    AgreementLink found;
    try {
      found = done.get();
    } catch (ActivityFailure e) {
      giveUp(MeteringActivityStubs.rootMessage(e));
      return;
    }
    AgreementLink self =
        new AgreementLink(
            Workflow.getInfo().getWorkflowId(),
            state.subscription().customer().licenseArn(),
            s.ended().endedAt());
    try {
      Workflow.newUntypedExternalWorkflowStub(found.workflowId()).signal(TAKE_OVER, self);
    } catch (SignalExternalWorkflowException e) {
      log.warn("successor {} is no longer running; looking again", found.workflowId());
      resume();
      return;
    }
    s.successor(new AgreementLink(found.workflowId(), found.licenseArn(), s.ended().endedAt()));
    log.info("handed over to {} ({})", found.workflowId(), found.licenseArn());
    visibility.setReason(handedOverReason());
    visibility.updateDetails();
  }

  private void giveUp(String why) {
    Succession s = state.succession();
    s.giveUp();
    List<UsageReport> dropped = dropHeld();
    log.error(
        "no successor of agreement {} ({}) within {}: {}; ending as a cancellation, {} held"
            + " report(s) never billed",
        s.ended().agreementId(),
        s.ended().status(),
        Succession.SUCCESSOR_WAIT,
        why,
        dropped.size());
    visibility.setReason(cancellationReason());
    visibility.updateDetails();
  }

  /** Forwards held usage to the known successor, oldest first, as {@code recordUsage} signals. */
  void forwardHeld() {
    Succession s = state.succession();
    AgreementLink to = s.successor();
    if (to == null || successorGone) {
      return;
    }
    for (UsageReport report : s.held()) {
      try {
        Workflow.newUntypedExternalWorkflowStub(to.workflowId())
            .signal(UsageMessages.RECORD_USAGE, report);
        s.forwardedOldest();
        MeteringMetrics.handOver("forwarded", 1);
      } catch (SignalExternalWorkflowException e) {
        successorGone = true;
        List<UsageReport> dropped = dropHeld();
        log.error(
            "successor {} is no longer running: {} report(s) addressed here are not billed",
            to.workflowId(),
            dropped.size());
        visibility.setReason(
            "handed over to "
                + to.workflowId()
                + ", which has ended: usage sent here is not billed");
        visibility.updateDetails();
        return;
      }
    }
  }

  /** Whether every period up to the hand-over's was submitted: the old license is done. */
  boolean lastPeriodDone() {
    return state.succession().ended() != null
        && state.backlog().pastLastPeriod()
        && state.backlog().isEmpty();
  }

  /** After the last period: whether the workflow now only forwards, or ends (no successor). */
  boolean keepsForwarding() {
    Succession s = state.succession();
    return !s.gaveUp() && !successorGone;
  }

  void enterForwarding() {
    state.succession().markLastPeriodSubmitted();
    Succession s = state.succession();
    if (s.successor() != null) {
      visibility.changeState(MeteringState.HANDED_OVER, handedOverReason());
    }
  }

  void endWithoutSuccessor() {
    visibility.changeState(
        MeteringState.ENDED,
        successorGone
            ? "handed over to " + state.succession().successor().workflowId() + ", which has ended"
            : cancellationReason());
  }

  /**
   * The workflow ends by an unsubscribe before its successor was known: the usage held for it is
   * named as never billed.
   */
  void reportHeldAtEnd() {
    List<UsageReport> dropped = dropHeld();
    if (!dropped.isEmpty()) {
      log.error(
          "metering ended with {} report(s) dated after the hand-over never forwarded",
          dropped.size());
      visibility.setReason(
          visibility.reason()
              + "; "
              + dropped.size()
              + " report(s) dated after the hand-over never forwarded (no successor known)");
      visibility.updateDetails();
    }
  }

  /** An unsubscribe or subscriptionEnded while forwarding: stop forwarding. */
  void stopForwarding(String why) {
    List<UsageReport> dropped = dropHeld();
    visibility.changeState(
        MeteringState.ENDED,
        "forwarding stopped: "
            + why
            + (dropped.isEmpty() ? "" : "; " + dropped.size() + " held report(s) never billed"));
  }

  /** Gives up every held report as never forwarded (counted); returns them. */
  private List<UsageReport> dropHeld() {
    List<UsageReport> dropped = state.succession().dropHeld();
    MeteringMetrics.handOver("unforwarded", dropped.size());
    return dropped;
  }

  private String handedOverReason() {
    Succession s = state.succession();
    return "agreement "
        + s.ended().status()
        + " at "
        + s.ended().endedAt()
        + ": handed over to "
        + s.successor().workflowId();
  }

  private String cancellationReason() {
    Succession s = state.succession();
    return "agreement "
        + s.ended().status()
        + " at "
        + s.ended().endedAt()
        + " but no successor agreement appeared within "
        + Succession.SUCCESSOR_WAIT
        + ": ended as a cancellation"
        + (s.unforwarded() == 0
            ? ""
            : "; " + s.unforwarded() + " report(s) dated after it never billed");
  }
}
