package dev.hourmeter.workflows;

import dev.hourmeter.workflows.activities.EntitlementActivities;
import dev.hourmeter.workflows.activities.MeteringSubmissionActivities;
import dev.hourmeter.workflows.activities.ReceiptVerificationActivities;
import dev.hourmeter.workflows.activities.UsageCollectionActivities;
import dev.hourmeter.workflows.model.activity.CollectedUsage;
import dev.hourmeter.workflows.model.activity.EntitlementRequest;
import dev.hourmeter.workflows.model.activity.EntitlementSnapshot;
import dev.hourmeter.workflows.model.activity.MeteringRecord;
import dev.hourmeter.workflows.model.activity.ReceiptCheck;
import dev.hourmeter.workflows.model.activity.ReceiptCheckRequest;
import dev.hourmeter.workflows.model.activity.ReceiptCheckResult;
import dev.hourmeter.workflows.model.activity.RecordResult;
import dev.hourmeter.workflows.model.activity.RecordStatus;
import dev.hourmeter.workflows.model.activity.SentRecord;
import dev.hourmeter.workflows.model.activity.SubmissionOutcome;
import dev.hourmeter.workflows.model.activity.SubmissionRequest;
import dev.hourmeter.workflows.model.activity.SubmissionResult;
import dev.hourmeter.workflows.model.activity.UsageQuery;
import io.temporal.failure.ApplicationFailure;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;

/**
 * Scripted stand-ins for the four activity interfaces: each records its calls and answers what the
 * test told it to. Failures are {@link ApplicationFailure}s, as the real adapters throw them.
 * Activities run on worker threads, so every method is synchronized.
 */
final class FakeActivities {

  final Entitlements entitlements = new Entitlements();
  final Submission submission = new Submission();
  final Receipts receipts = new Receipts(submission);
  final Usage usage = new Usage();

  Object[] all() {
    return new Object[] {entitlements, submission, receipts, usage};
  }

  /** Entitled to everything unless told otherwise; a failing check is not retried. */
  static final class Entitlements implements EntitlementActivities {
    private final List<EntitlementRequest> calls = new ArrayList<>();
    private String failure;
    private boolean throttled;
    private boolean entitled = true;

    @Override
    public synchronized EntitlementSnapshot checkEntitlements(EntitlementRequest request) {
      calls.add(request);
      if (failure != null) {
        throw ApplicationFailure.newNonRetryableFailure(failure, "EntitlementServiceDown");
      }
      return entitled
          ? new EntitlementSnapshot(true, "", Map.of(), null, null)
          : new EntitlementSnapshot(false, "no unexpired entitlement", Map.of(), null, null);
    }

    synchronized void failWith(String message) {
      failure = message;
    }

    synchronized void answerEntitled(boolean value) {
      failure = null;
      entitled = value;
    }

    synchronized int calls() {
      return calls.size();
    }
  }

  /** Accepts every record (id {@code mr-<key>}) unless told to fail every attempt (retryable). */
  static final class Submission implements MeteringSubmissionActivities {
    private final List<SubmissionRequest> calls = new ArrayList<>();
    private String failure;
    private boolean throttled;

    @Override
    public synchronized SubmissionResult submitUsageRecords(SubmissionRequest request) {
      calls.add(request);
      if (throttled) {
        // As the real activity does: nothing final, nothing of unknown fate.
        throw ApplicationFailure.newFailure(
            "Rate exceeded", "ThrottlingException", new SubmissionOutcome(null, null));
      }
      if (failure != null) {
        throw ApplicationFailure.newFailure(failure, "ServiceUnavailable");
      }
      List<RecordResult> results =
          request.records().stream()
              .map(r -> new RecordResult(r, RecordStatus.SUCCESS, "mr-" + r.key(), null))
              .toList();
      return new SubmissionResult(results, 1);
    }

    synchronized void failEveryAttempt(String message) {
      failure = message;
    }

    /** Every attempt is throttled: AWS certainly accepts none of the records. */
    synchronized void throttleEveryAttempt() {
      throttled = true;
    }

    synchronized void succeed() {
      failure = null;
      throttled = false;
    }

    synchronized List<SubmissionRequest> calls() {
      return List.copyOf(calls);
    }

    /** Every record of every attempt, in order. */
    synchronized List<MeteringRecord> records() {
      return calls.stream().flatMap(c -> c.records().stream()).toList();
    }

    synchronized long timesSent(MeteringRecord record) {
      return records().stream().filter(record::equals).count();
    }
  }

  /** Finds a sent record when {@link #visibleWhen} says so (by default: always). */
  static final class Receipts implements ReceiptVerificationActivities {
    private final Submission submission;
    private final List<ReceiptCheckRequest> calls = new ArrayList<>();
    private Predicate<SentRecord> visible = r -> true;

    Receipts(Submission submission) {
      this.submission = submission;
    }

    @Override
    public synchronized ReceiptCheckResult verifyReceipts(ReceiptCheckRequest request) {
      calls.add(request);
      List<ReceiptCheck> checks =
          request.records().stream()
              .map(r -> new ReceiptCheck(r, visible.test(r), visible.test(r) ? "ev-1" : null))
              .toList();
      return new ReceiptCheckResult(checks, Instant.EPOCH);
    }

    synchronized void visibleWhen(Predicate<SentRecord> predicate) {
      visible = predicate;
    }

    /** CloudTrail shows a record only once it was sent a second time (the first event is lost). */
    synchronized void onlyAfterResend() {
      visible = r -> submission.timesSent(r.record()) >= 2;
    }

    synchronized List<ReceiptCheckRequest> calls() {
      return List.copyOf(calls);
    }
  }

  /** The pull source: no usage, or a non-retryable failure while {@link #failing}. */
  static final class Usage implements UsageCollectionActivities {
    private final List<UsageQuery> calls = new ArrayList<>();
    private boolean failing;

    @Override
    public synchronized CollectedUsage collectUsage(UsageQuery query) {
      calls.add(query);
      if (failing) {
        throw ApplicationFailure.newNonRetryableFailure("usage source down", "SourceDown");
      }
      return CollectedUsage.none();
    }

    synchronized void failing(boolean value) {
      failing = value;
    }

    synchronized int calls() {
      return calls.size();
    }
  }
}
