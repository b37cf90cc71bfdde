package dev.hourmeter.workflows.model.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.time.Instant;

/**
 * Where a licensed customer's workflow stands in its chain of agreements, in {@code status}: the
 * license it took over from, and, once its own agreement was renewed or replaced, the one it hands
 * over to.
 *
 * @param predecessor the license this one took over from, null when none
 * @param endStatus why this workflow's agreement ended (RENEWED, REPLACED, SUPERSEDED), null while
 *     in force
 * @param endedAt the hand-over time, null while in force
 * @param successor the license that took over, null while not (yet) known
 * @param successorWaitUntil while the successor is not known: when waiting for it gives up and the
 *     workflow ends as a cancellation
 * @param heldReports reports (parts of reports) dated from the hand-over on, held until the
 *     successor is known
 * @param forwardedReports reports (parts of reports) forwarded to the successor
 * @param unforwardedReports reports (parts of reports) that could not be forwarded (no successor),
 *     reported unbilled
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record AgreementChain(
    AgreementLink predecessor,
    String endStatus,
    Instant endedAt,
    AgreementLink successor,
    Instant successorWaitUntil,
    int heldReports,
    long forwardedReports,
    long unforwardedReports) {}
