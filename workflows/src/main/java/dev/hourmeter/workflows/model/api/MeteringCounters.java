package dev.hourmeter.workflows.model.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.math.BigDecimal;

/**
 * Running totals since the workflow was first started (carried across continue-as-new). {@code
 * quantityAccepted} is exact (whole totals are written to JSON as the integers they always were).
 * {@code recordsReassigned} (left out of the JSON while 0, so older checkpoints read as 0): records
 * that were about to go out for an hour under the other identity kind than the hour's own
 * (ProductCode versus LicenseArn, which AWS would bill twice) and were sent under the hour's
 * identity instead ({@code IdentityHistory#inForce}); any count above 0 is a bug to report.
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
    long recordsUnverified,
    @JsonInclude(JsonInclude.Include.NON_DEFAULT) long recordsReassigned) {

  public static final MeteringCounters ZERO =
      new MeteringCounters(0, 0, 0, BigDecimal.ZERO, 0, 0, 0, 1, 0, 0, 0, 0);

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
        recordsUnverified,
        recordsReassigned);
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
        recordsUnverified,
        recordsReassigned);
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
        recordsUnverified,
        recordsReassigned);
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
        recordsUnverified,
        recordsReassigned);
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
        recordsUnverified,
        recordsReassigned);
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
        recordsUnverified + unverified,
        recordsReassigned);
  }

  public MeteringCounters plusReassigned(long reassigned) {
    return new MeteringCounters(
        periodsSubmitted,
        recordsAccepted,
        recordsNotAccepted,
        quantityAccepted,
        reportsAccepted,
        duplicateReports,
        rejectedReports,
        runs,
        recordsVerified,
        recordsResent,
        recordsUnverified,
        recordsReassigned + reassigned);
  }
}
