package dev.hourmeter.workflows.model.api;

import java.math.BigDecimal;

/**
 * Running totals since the workflow was first started (carried across continue-as-new). {@code
 * quantityAccepted} is exact (whole totals are written to JSON as the integers they always were).
 */
public record MeteringCounters(
    long periodsSubmitted,
    long recordsAccepted,
    long recordsNotAccepted,
    BigDecimal quantityAccepted,
    long reportsAccepted,
    long duplicateReports,
    long rejectedReports,
    long runs,
    long recordsVerified,
    long recordsResent,
    long recordsUnverified) {

  public static final MeteringCounters ZERO =
      new MeteringCounters(0, 0, 0, BigDecimal.ZERO, 0, 0, 0, 1, 0, 0, 0);

  public MeteringCounters {
    quantityAccepted =
        quantityAccepted == null ? BigDecimal.ZERO : Quantities.canonical(quantityAccepted);
  }

  public MeteringCounters plusSubmission(long accepted, long notAccepted, BigDecimal quantity) {
    return new MeteringCounters(
        periodsSubmitted + 1,
        recordsAccepted + accepted,
        recordsNotAccepted + notAccepted,
        Quantities.add(quantityAccepted, quantity),
        reportsAccepted,
        duplicateReports,
        rejectedReports,
        runs,
        recordsVerified,
        recordsResent,
        recordsUnverified);
  }

  public MeteringCounters plusReport() {
    return new MeteringCounters(
        periodsSubmitted,
        recordsAccepted,
        recordsNotAccepted,
        quantityAccepted,
        reportsAccepted + 1,
        duplicateReports,
        rejectedReports,
        runs,
        recordsVerified,
        recordsResent,
        recordsUnverified);
  }

  public MeteringCounters plusDuplicate() {
    return new MeteringCounters(
        periodsSubmitted,
        recordsAccepted,
        recordsNotAccepted,
        quantityAccepted,
        reportsAccepted,
        duplicateReports + 1,
        rejectedReports,
        runs,
        recordsVerified,
        recordsResent,
        recordsUnverified);
  }

  public MeteringCounters plusRejected() {
    return new MeteringCounters(
        periodsSubmitted,
        recordsAccepted,
        recordsNotAccepted,
        quantityAccepted,
        reportsAccepted,
        duplicateReports,
        rejectedReports + 1,
        runs,
        recordsVerified,
        recordsResent,
        recordsUnverified);
  }

  public MeteringCounters plusRun() {
    return new MeteringCounters(
        periodsSubmitted,
        recordsAccepted,
        recordsNotAccepted,
        quantityAccepted,
        reportsAccepted,
        duplicateReports,
        rejectedReports,
        runs + 1,
        recordsVerified,
        recordsResent,
        recordsUnverified);
  }

  public MeteringCounters plusReceipts(long verified, long resent, long unverified) {
    return new MeteringCounters(
        periodsSubmitted,
        recordsAccepted,
        recordsNotAccepted,
        quantityAccepted,
        reportsAccepted,
        duplicateReports,
        rejectedReports,
        runs,
        recordsVerified + verified,
        recordsResent + resent,
        recordsUnverified + unverified);
  }
}
