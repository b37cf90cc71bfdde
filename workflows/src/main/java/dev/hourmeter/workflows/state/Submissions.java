package dev.hourmeter.workflows.state;

import dev.hourmeter.workflows.model.activity.MeteringRecord;
import dev.hourmeter.workflows.model.activity.ReceiptStatus;
import dev.hourmeter.workflows.model.activity.RecordResult;
import dev.hourmeter.workflows.model.activity.RecordStatus;
import dev.hourmeter.workflows.model.api.MeteringTuning;
import dev.hourmeter.workflows.model.api.Quantities;
import dev.hourmeter.workflows.model.api.SubmittedRecord;
import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The records sent to AWS and their receipts: AWS's answers (the recent ones shown in {@code
 * status}), the records waiting for a CloudTrail look, their counters, and the deadline of each
 * period's timestamp window. What the backlog pass records after a submission and what receipt
 * follow-up works through. Carried across continue-as-new, except the last submission's summary.
 */
public final class Submissions {

  private final MeteringTuning tuning;
  private final TimestampWindowRule window;
  private final RecentSubmissions recent;
  private final VerificationQueue verifications;
  private final Tally counters;
  private final IdentityHistory identities;
  private String lastSubmission = "none yet";

  /** {@code identities} decides the identity of each hour's records ({@link #inForce}). */
  Submissions(
      MeteringTuning tuning,
      Duration period,
      List<SubmittedRecord> recentRecords,
      VerificationQueue verifications,
      Tally counters,
      IdentityHistory identities) {
    this.identities = identities;
    this.tuning = tuning;
    this.window = new TimestampWindowRule(tuning.window(), tuning.windowSafety());
    this.recent = new RecentSubmissions(tuning.recentPeriodsKept(), recentRecords);
    this.verifications = verifications;
    this.counters = counters;
  }

  /**
   * The last moment this period's records can still be sent ({@link TimestampWindowRule}: AWS's
   * window or month-end cut-off, whichever comes first, less the safety).
   */
  public Instant windowDeadline(Instant periodStart) {
    return window.deadline(periodStart);
  }

  /**
   * The records as they may be sent (first send, re-send, leftover): every one under its hour's
   * identity kind ({@link IdentityHistory#inForce}); those that had to be moved there are counted
   * ({@code recordsReassigned}) and returned for the caller to log.
   */
  public IdentityHistory.Guarded inForce(List<MeteringRecord> records) {
    IdentityHistory.Guarded guarded = identities.inForce(records);
    if (!guarded.reassigned().isEmpty()) {
      long n = guarded.reassigned().size();
      counters.add(c -> c.plusReassigned(n));
    }
    return guarded;
  }

  /** Keeps AWS's answers for {@code status} and the counters; returns the count per status. */
  public Map<RecordStatus, Long> recordResults(Instant periodStart, List<RecordResult> results) {
    recent.add(periodStart, results);
    List<RecordResult> accepted = results.stream().filter(r -> r.status().accepted()).toList();
    BigDecimal quantity =
        accepted.stream()
            .map(r -> r.record().exactQuantity())
            .reduce(BigDecimal.ZERO, Quantities::add);
    counters.add(
        c -> c.plusSubmission(accepted.size(), results.size() - accepted.size(), quantity));
    Map<RecordStatus, Long> byStatus = new LinkedHashMap<>();
    results.forEach(r -> byStatus.merge(r.status(), 1L, Long::sum));
    lastSubmission = results.size() + " records for " + periodStart + ": " + byStatus;
    return byStatus;
  }

  /** A submitted period's accepted records start waiting for CloudTrail (if verification is on). */
  public void scheduleVerification(Instant periodStart, List<RecordResult> results, Instant now) {
    if (tuning.verificationEnabled()) {
      verifications.schedule(periodStart, results, now, tuning.verifyDelay());
    }
  }

  /**
   * Records whose fate is unknown when their window has closed wait for one CloudTrail look (if
   * verification is off, the look is still made: it is the only way to know).
   */
  public void scheduleFateCheck(
      Instant periodStart, List<RecordResult> results, Instant sentAt, Instant now) {
    verifications.scheduleFateCheck(periodStart, results, sentAt, now.plus(tuning.verifyDelay()));
  }

  public VerificationQueue verifications() {
    return verifications;
  }

  /** Shows a record's receipt in {@code status}. */
  public void markReceipt(MeteringRecord record, ReceiptStatus receipt) {
    recent.markReceipt(record, receipt);
  }

  public void countReceipts(long verified, long resent, long unverified) {
    counters.add(c -> c.plusReceipts(verified, resent, unverified));
  }

  public MeteringTuning tuning() {
    return tuning;
  }

  /** What the last submission of this run sent and how AWS answered, for the Web UI. */
  public String lastSubmission() {
    return lastSubmission;
  }

  /** Every kept record, oldest period first. */
  List<SubmittedRecord> recentRecords() {
    return recent.records();
  }
}
