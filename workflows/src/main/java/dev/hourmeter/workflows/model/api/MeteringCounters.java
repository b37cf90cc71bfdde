package dev.hourmeter.workflows.model.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.math.BigDecimal;
import java.util.Collections;
import java.util.Map;
import java.util.TreeMap;

/**
 * Running totals since the workflow was first started (carried across continue-as-new). {@code
 * quantityAccepted} is exact (whole totals are written to JSON as the integers they always were).
 * {@code pulledEntriesNotBilled} (added in issue 19: absent in older checkpoints and answers, and
 * not written while empty): entries a pulled usage source reported for this customer that were
 * never billed, by reason ({@value #UNKNOWN_DIMENSION}, {@value #OVER_LIMIT}). {@code
 * recordsReassigned} (left out of the JSON while 0, so older checkpoints read as 0): records that
 * were about to go out for an hour under the other identity kind than the hour's own (ProductCode
 * versus LicenseArn, which AWS would bill twice) and were sent under the hour's identity instead
 * ({@code IdentityHistory#inForce}); any count above 0 is a bug to report.
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
    @JsonInclude(JsonInclude.Include.NON_EMPTY) Map<String, Long> pulledEntriesNotBilled,
    @JsonInclude(JsonInclude.Include.NON_DEFAULT) long recordsReassigned) {

  /** Reason: a pulled entry of a dimension the customer is not metered on. */
  public static final String UNKNOWN_DIMENSION = "unknown_dimension";

  /** Reason: a pulled entry above the per-entry quantity limit. */
  public static final String OVER_LIMIT = "over_limit";

  public static final MeteringCounters ZERO =
      new MeteringCounters(0, 0, 0, BigDecimal.ZERO, 0, 0, 0, 1, 0, 0, 0, Map.of(), 0);

  public MeteringCounters {
    quantityAccepted =
        quantityAccepted == null ? BigDecimal.ZERO : Quantities.canonical(quantityAccepted);
    pulledEntriesNotBilled =
        pulledEntriesNotBilled == null || pulledEntriesNotBilled.isEmpty()
            ? Map.of()
            : Collections.unmodifiableMap(new TreeMap<>(pulledEntriesNotBilled));
  }

  /** The counters before pulled entries not billed were counted (still constructed so). */
  public MeteringCounters(
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
    this(
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
        Map.of(),
        0);
  }

  /**
   * Adds pulled entries (lines of a usage file) that were not billed, by reason ({@link
   * #UNKNOWN_DIMENSION}, {@link #OVER_LIMIT}); a zero count adds nothing.
   */
  public MeteringCounters plusPulledNotBilled(String reason, long entries) {
    if (entries <= 0) {
      return this;
    }
    Map<String, Long> notBilled = new TreeMap<>(pulledEntriesNotBilled);
    notBilled.merge(reason, entries, Long::sum);
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
        notBilled,
        recordsReassigned);
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
        pulledEntriesNotBilled,
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
        pulledEntriesNotBilled,
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
        pulledEntriesNotBilled,
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
        pulledEntriesNotBilled,
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
        pulledEntriesNotBilled,
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
        pulledEntriesNotBilled,
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
        pulledEntriesNotBilled,
        recordsReassigned + reassigned);
  }
}
