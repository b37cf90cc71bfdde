package dev.hourmeter.activities.batching;

import dev.hourmeter.activities.aws.MarketplaceCallException;
import io.temporal.failure.ApplicationFailure;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The submitting (activity) thread's side of {@link MeteringBatcher#send}: waits for the futures of
 * its records, reporting final results and a checkpoint every {@link
 * SendRequest#checkpointEvery()}, then each distinct shared call that carried them once.
 */
final class OutcomeWait {

  private final List<CompletableFuture<RecordOutcome>> futures;
  private final SendListener listener;
  private final boolean[] reported;
  private final Set<Long> callIds = new HashSet<>();

  OutcomeWait(List<CompletableFuture<RecordOutcome>> futures, SendListener listener) {
    this.futures = futures;
    this.listener = listener;
    this.reported = new boolean[futures.size()];
  }

  /**
   * Waits for every outcome. When {@code request.sendBy()} passes first, runs {@code stopSending}
   * (records waiting for a call end; those in a call finish it), waits for the calls in flight
   * until {@code request.answersBy()}, reports what it has and fails {@link
   * SendRequest#ATTEMPT_TIME_RAN_OUT}, unless every record was answered by then.
   */
  void await(SendRequest request, Runnable stopSending) throws InterruptedException {
    CompletableFuture<Void> all =
        CompletableFuture.allOf(futures.toArray(CompletableFuture[]::new));
    long everyMillis = Math.max(10, request.checkpointEvery().toMillis());
    while (true) {
      try {
        all.get(waitMillis(everyMillis, request.sendBy()), TimeUnit.MILLISECONDS);
        break;
      } catch (TimeoutException e) {
        collect();
        if (request.sendBy() != null && !Instant.now().isBefore(request.sendBy())) {
          stopSending.run();
          if (answeredBy(all, request.answersBy())) {
            break;
          }
          collect();
          // Report what is known (the failure's details) while the attempt may still report.
          listener.calls(callIds.size());
          throw ApplicationFailure.newFailure(
              "the activity attempt's time ran out (at "
                  + request.sendBy()
                  + ") with records still unanswered",
              SendRequest.ATTEMPT_TIME_RAN_OUT);
        }
        listener.checkpoint();
      } catch (ExecutionException e) {
        break; // some record failed: collected below
      } catch (InterruptedException e) {
        collect();
        throw e;
      }
    }
    Throwable failure = collect();
    listener.calls(callIds.size());
    if (failure == null) {
      return;
    }
    if (failure instanceof MarketplaceCallException e && e.retryable()) {
      throw e;
    }
    if (failure instanceof UnprocessedRecordsException e) {
      throw e;
    }
    throw ApplicationFailure.newFailureWithCause(
        "metering batcher failed: " + failure, "MeteringBatcherFailure", failure);
  }

  /**
   * Whether every record got its outcome, and each was an answer (not a failure), by {@code
   * answersBy}: then the attempt ends as if the time had not run out.
   */
  private static boolean answeredBy(CompletableFuture<Void> all, Instant answersBy)
      throws InterruptedException {
    long left = answersBy.toEpochMilli() - System.currentTimeMillis();
    try {
      all.get(Math.max(0, left), TimeUnit.MILLISECONDS);
      return true;
    } catch (TimeoutException | ExecutionException e) {
      return false;
    }
  }

  /**
   * Reports the outcomes completed since the wait ended (final results, and records certainly not
   * sent): called once the sender withdrew what was left.
   */
  void reportCompleted() {
    collect();
  }

  /** The next wait: a checkpoint interval, or less when the attempt's time runs out sooner. */
  private static long waitMillis(long everyMillis, Instant sendBy) {
    if (sendBy == null) {
      return everyMillis;
    }
    long left = sendBy.toEpochMilli() - System.currentTimeMillis();
    return Math.max(1, Math.min(everyMillis, left));
  }

  /**
   * Reports the completed outcomes not reported yet; returns the first failure among them, if any.
   */
  private Throwable collect() {
    Throwable failure = null;
    for (int k = 0; k < futures.size(); k++) {
      CompletableFuture<RecordOutcome> f = futures.get(k);
      if (!f.isDone()) {
        continue;
      }
      if (f.isCompletedExceptionally()) {
        Throwable cause = causeOf(f);
        if (!reported[k] && SendFailureFate.certainlyNotProcessed(cause)) {
          reported[k] = true;
          listener.notSent(k);
        }
        // The first failure, unless a later one's fate is unknown and the first's is not: a
        // record AWS may have processed must not be reported as certainly refused.
        if (failure == null
            || (SendFailureFate.certainlyNotProcessed(failure)
                && !SendFailureFate.certainlyNotProcessed(cause))) {
          failure = cause;
        }
        continue;
      }
      if (!reported[k]) {
        reported[k] = true;
        RecordOutcome outcome = f.join();
        listener.finalResult(k, outcome.result());
        callIds.addAll(outcome.callIds());
      }
    }
    return failure;
  }

  private static Throwable causeOf(CompletableFuture<RecordOutcome> failed) {
    try {
      failed.join();
      throw new IllegalStateException("not completed exceptionally");
    } catch (CompletionException | CancellationException e) {
      return e instanceof CompletionException && e.getCause() != null ? e.getCause() : e;
    }
  }
}
