package dev.hourmeter.workflows.model.api;

import java.time.Instant;
import java.util.List;
import java.util.Locale;

/**
 * Why a licensed customer's agreement ended, as the lifecycle intake learnt it (the {@code Purchase
 * Agreement Ended} event's {@code detail.agreement.status}, else {@code DescribeAgreement}): the
 * payload of the {@code agreementEnded} signal. Only an agreement that a successor takes over
 * ({@link #handsOver}) is signalled this way; any other ending is an {@code unsubscribe}.
 *
 * @param agreementId the ended agreement ({@code agmt-...}), null when the event did not name it
 * @param status AWS's AgreementStatus: RENEWED, REPLACED or SUPERSEDED
 * @param endedAt the hand-over time: usage before it is billed under the old license, usage from it
 *     on under the successor's
 */
public record AgreementEnd(String agreementId, String status, Instant endedAt) {

  /** The AgreementStatus values whose agreement has a successor. */
  public static final List<String> SUCCESSION_STATUSES =
      List.of("RENEWED", "REPLACED", "SUPERSEDED");

  public AgreementEnd {
    status = status == null ? null : status.trim().toUpperCase(Locale.ROOT);
  }

  /** Whether an agreement that ended with {@code status} is taken over by a successor. */
  public static boolean handsOver(String status) {
    return status != null && SUCCESSION_STATUSES.contains(status.trim().toUpperCase(Locale.ROOT));
  }

  /** What is wrong with this request, null when it can be acted on. */
  public String problem() {
    if (!handsOver(status)) {
      return "status: must be one of " + SUCCESSION_STATUSES + ", got " + status;
    }
    if (endedAt == null) {
      return "endedAt: is required";
    }
    return null;
  }
}
