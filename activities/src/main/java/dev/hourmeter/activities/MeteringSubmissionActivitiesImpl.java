package dev.hourmeter.activities;

import dev.hourmeter.activities.aws.BackoffPolicy;
import dev.hourmeter.activities.aws.MarketplaceCallException;
import dev.hourmeter.activities.batching.DirectRecordSender;
import dev.hourmeter.activities.batching.MeteringBatcher;
import dev.hourmeter.activities.batching.RecordSender;
import dev.hourmeter.activities.batching.SendListener;
import dev.hourmeter.activities.batching.SendRequest;
import dev.hourmeter.activities.batching.UnprocessedRecordsException;
import dev.hourmeter.workflows.activities.MeteringSubmissionActivities;
import dev.hourmeter.workflows.model.activity.MeteringRecord;
import dev.hourmeter.workflows.model.activity.RecordResult;
import dev.hourmeter.workflows.model.activity.RecordStatus;
import dev.hourmeter.workflows.model.activity.SubmissionRequest;
import dev.hourmeter.workflows.model.activity.SubmissionResult;
import io.temporal.activity.Activity;
import io.temporal.activity.ActivityExecutionContext;
import io.temporal.failure.ApplicationFailure;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.event.Level;

/**
 * Sends a {@link SubmissionRequest} with BatchMeterUsage, at most 25 records per call, through the
 * worker's {@link RecordSender}: the {@link MeteringBatcher} (batching on: records of concurrent
 * activities share calls, rate-limited worker-wide) or a {@link DirectRecordSender} (batching off:
 * this activity's records in its own calls).
 *
 * <ul>
 *   <li>{@code Success}, {@code DuplicateRecord} and {@code CustomerNotSubscribed} are final
 *       results.
 *   <li>{@code UnprocessedRecords} are sent again a few times by the sender; then the attempt fails
 *       with a retryable {@code UnprocessedRecords} failure and Temporal retries durably.
 *   <li>Retryable errors (throttling, 5xx, I/O) fail the attempt with a retryable failure typed
 *       with the AWS error type; throttling sets a jittered {@code nextRetryDelay} so throttled
 *       workflows spread out.
 *   <li>Invalid* errors: bad records are isolated by bisection and get final status {@link
 *       RecordStatus#INVALID}; the others still go through. Request-wide errors
 *       (InvalidProductCode, DisabledApi) mark every record of the batch INVALID. Out-of-range
 *       timestamps get {@link RecordStatus#TIMESTAMP_OUT_OF_BOUNDS}.
 * </ul>
 *
 * <p>A failed attempt carries its {@link SubmissionProgress} as failure details: the workflow reads
 * them when the window closes (see {@code SendFailureFate} for what is certainly not accepted).
 *
 * <p>The final results so far are heartbeated as {@link SubmissionProgress} after every direct
 * call, and every {@link #DEFAULT_HEARTBEAT_EVERY} (or a third of a shorter heartbeat timeout)
 * while waiting for the batcher; a retried attempt re-sends only records without one. Resending is
 * safe anyway: timestamps are deterministic and AWS deduplicates identical records. {@link
 * SubmissionResult#calls()} counts each (possibly shared) call that carried the records once.
 */
public final class MeteringSubmissionActivitiesImpl implements MeteringSubmissionActivities {

  static final Duration MAX_THROTTLE_DELAY = Duration.ofSeconds(30);
  static final String UNPROCESSED_RECORDS = UnprocessedRecordsException.TYPE;

  /** While waiting for the batcher, progress is heartbeated this often. */
  static final Duration DEFAULT_HEARTBEAT_EVERY = Duration.ofSeconds(3);

  /** The next-retry delay of a throttled attempt: 1 s doubling per attempt up to 30 s, +-50 %. */
  private static final BackoffPolicy THROTTLE_DELAY =
      new BackoffPolicy(Duration.ofSeconds(1), MAX_THROTTLE_DELAY, 0.5);

  private static final Logger log = LoggerFactory.getLogger(MeteringSubmissionActivitiesImpl.class);

  private final RecordSender sender;
  private final Duration heartbeatEvery;

  /** Sends through {@code sender}, the worker's single {@link RecordSender}. */
  public MeteringSubmissionActivitiesImpl(RecordSender sender) {
    this(sender, DEFAULT_HEARTBEAT_EVERY);
  }

  MeteringSubmissionActivitiesImpl(RecordSender sender, Duration heartbeatEvery) {
    this.sender = Objects.requireNonNull(sender, "sender");
    this.heartbeatEvery = Objects.requireNonNull(heartbeatEvery, "heartbeatEvery");
  }

  /** The worker's sender: a {@link MeteringBatcher} when batching is on. */
  public RecordSender sender() {
    return sender;
  }

  @Override
  public SubmissionResult submitUsageRecords(SubmissionRequest request) {
    Objects.requireNonNull(request, "request");
    return new Attempt(Activity.getExecutionContext(), request).run();
  }

  /** One activity attempt: sends the records without a final result and reports. */
  private final class Attempt implements SendListener {
    private final ActivityExecutionContext context;
    private final String productCode;
    private final SubmissionProgressTracker progress;
    private final int attempt;
    private final AttemptDeadline deadline;
    private List<Integer> sending = List.of();
    private int calls;

    Attempt(ActivityExecutionContext context, SubmissionRequest request) {
      this.context = context;
      this.productCode = request.productCode();
      this.progress = new SubmissionProgressTracker(request.records());
      this.attempt = context.getInfo().getAttempt();
      this.deadline = AttemptDeadline.of(context.getInfo(), Instant.now());
    }

    SubmissionResult run() {
      progress.restore(
          context.getHeartbeatDetails(SubmissionProgress.class).orElse(null), attempt > 1);
      List<Integer> pending = progress.pending();
      try {
        if (!pending.isEmpty()) {
          send(pending);
        }
      } catch (ApplicationFailure failure) {
        log.warn(
            "BatchMeterUsage product={} customers={} period={}: attempt {} failed after {} calls with {} "
                + "records final ({}): {}",
            productCode,
            progress.customers(),
            progress.periods(),
            attempt,
            calls,
            progress.finalCount(),
            progress.countsByStatus(),
            failure.getOriginalMessage());
        throw failure;
      }
      SubmissionResult result = new SubmissionResult(progress.results(), calls);
      // A first attempt with every record accepted is routine (the workflow logs its own line):
      // DEBUG.
      boolean routine = attempt == 1 && progress.allSucceeded();
      log.atLevel(routine ? Level.DEBUG : Level.INFO)
          .log(
              "BatchMeterUsage product={} customers={} period={}: {} records {} in {} calls{}",
              productCode,
              progress.customers(),
              progress.periods(),
              progress.size(),
              progress.countsByStatus(),
              calls,
              attempt > 1
                  ? " (attempt "
                      + attempt
                      + (progress.resumed() > 0
                          ? ", " + progress.resumed() + " final from earlier attempts"
                          : "")
                      + ")"
                  : "");
      return result;
    }

    private void send(List<Integer> pending) {
      sending = pending;
      List<MeteringRecord> toSend = pending.stream().map(progress::record).toList();
      SendRequest request =
          new SendRequest(
              productCode,
              toSend,
              context.getInfo().getWorkflowId(),
              heartbeatInterval(),
              deadline == null ? null : deadline.sendBy(),
              deadline == null ? null : deadline.answersBy());
      // In flight until the send ends: every heartbeat meanwhile shows these records as of
      // unknown fate, so an attempt lost mid-call leaves them unknown, not certainly refused.
      progress.sending(pending);
      try {
        sender.send(request, this);
      } catch (MarketplaceCallException e) {
        progress.sendEnded(e);
        heartbeatEnded();
        throw e.retryable() ? retryable(e) : e.toActivityFailure();
      } catch (UnprocessedRecordsException e) {
        progress.sendEnded(e);
        heartbeatEnded();
        throw ApplicationFailure.newFailure(
            e.getMessage() + " (" + progress.finalSoFar() + ")",
            UNPROCESSED_RECORDS,
            progress.endedSnapshot());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        progress.sendEnded(e);
        heartbeatEnded();
        throw ApplicationFailure.newFailure(
            "interrupted while sending usage records",
            UNPROCESSED_RECORDS,
            progress.endedSnapshot());
      } catch (ApplicationFailure e) {
        progress.sendEnded(e);
        heartbeatEnded();
        if (SendRequest.ATTEMPT_TIME_RAN_OUT.equals(e.getType())) {
          // The workflow reads the last attempt's answers from these details.
          throw ApplicationFailure.newFailure(
              e.getOriginalMessage() + " (" + progress.finalSoFar() + ")",
              SendRequest.ATTEMPT_TIME_RAN_OUT,
              progress.endedSnapshot());
        }
        throw e;
      }
      progress.sendEnded(null);
      heartbeat();
    }

    @Override
    public void finalResult(int index, RecordResult result) {
      progress.finalResult(sending.get(index), result);
    }

    @Override
    public void notSent(int index) {
      progress.notSent(sending.get(index));
    }

    @Override
    public void calls(int count) {
      calls += count;
    }

    @Override
    public void checkpoint() {
      heartbeat();
    }

    /** Every few seconds, and well within a short heartbeat timeout (short test periods). */
    private Duration heartbeatInterval() {
      Duration every = heartbeatEvery;
      Duration timeout = context.getInfo().getHeartbeatTimeout();
      if (timeout != null && !timeout.isZero() && timeout.dividedBy(3).compareTo(every) < 0) {
        every = timeout.dividedBy(3);
      }
      return every;
    }

    private ApplicationFailure retryable(MarketplaceCallException e) {
      String message = e.getMessage() + " (" + progress.finalSoFar() + ")";
      // The details tell the workflow, if this is the last attempt, which records AWS certainly
      // did not accept (carried) and which it may have (looked up in CloudTrail).
      if (e.throttled()) {
        return ApplicationFailure.newFailureWithCauseAndDelay(
            message,
            e.errorType(),
            null,
            THROTTLE_DELAY.delay(attempt - 1),
            progress.endedSnapshot());
      }
      return ApplicationFailure.newFailure(message, e.errorType(), progress.endedSnapshot());
    }

    private void heartbeat() {
      context.heartbeat(progress.snapshot());
    }

    /** The last heartbeat of a failing attempt: what the next attempt may trust. */
    private void heartbeatEnded() {
      context.heartbeat(progress.endedSnapshot());
    }
  }
}
