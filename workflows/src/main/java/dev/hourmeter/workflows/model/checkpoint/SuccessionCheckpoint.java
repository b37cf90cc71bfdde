package dev.hourmeter.workflows.model.checkpoint;

import com.fasterxml.jackson.annotation.JsonInclude;
import dev.hourmeter.workflows.model.api.AgreementEnd;
import dev.hourmeter.workflows.model.api.AgreementLink;
import dev.hourmeter.workflows.model.api.UsageReport;
import java.time.Instant;
import java.util.List;

/**
 * A customer's agreement chain across continue-as-new ({@link
 * dev.hourmeter.workflows.model.api.AgreementChain}): the predecessor, the end of its own agreement
 * and its successor, the usage held for a successor not known yet, and where the hand-over stands.
 *
 * @param endAccepted when the workflow learnt of the end (the successor wait counts from the later
 *     of this and the end)
 * @param lastPeriodSubmitted the old license's last period (the one holding the hand-over) was
 *     submitted: the workflow only forwards usage now
 * @param gaveUp no successor arrived in time: the agreement ended as a cancellation
 */
@JsonInclude(JsonInclude.Include.NON_DEFAULT)
public record SuccessionCheckpoint(
    AgreementLink predecessor,
    AgreementEnd ended,
    Instant endAccepted,
    AgreementLink successor,
    boolean lastPeriodSubmitted,
    boolean gaveUp,
    List<UsageReport> held,
    long forwarded,
    long unforwarded) {

  public SuccessionCheckpoint {
    held = held == null ? List.of() : List.copyOf(held);
  }
}
