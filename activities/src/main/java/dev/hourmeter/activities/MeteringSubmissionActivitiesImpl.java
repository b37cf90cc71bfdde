package dev.hourmeter.activities;

import dev.hourmeter.activities.aws.MarketplaceCallException;
import dev.hourmeter.activities.aws.MarketplaceGateway;
import dev.hourmeter.activities.batching.BisectingBatchSender;
import dev.hourmeter.activities.batching.MeteringBatcher;
import dev.hourmeter.activities.batching.RecordOutcome;
import dev.hourmeter.activities.batching.UnprocessedRecordsException;
import dev.hourmeter.workflows.activities.MeteringSubmissionActivities;
import dev.hourmeter.workflows.model.MeteringRecord;
import dev.hourmeter.workflows.model.RecordResult;
import dev.hourmeter.workflows.model.RecordStatus;
import dev.hourmeter.workflows.model.SubmissionRequest;
import dev.hourmeter.workflows.model.SubmissionResult;
import io.temporal.activity.Activity;
import io.temporal.activity.ActivityExecutionContext;
import io.temporal.failure.ApplicationFailure;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Deque;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.event.Level;

/**
 * Sends a {@link SubmissionRequest} with BatchMeterUsage, at most 25 records per call.
 *
 * <ul>
 *   <li>{@code Success}, {@code DuplicateRecord} and {@code CustomerNotSubscribed} are final
 *       results.
 *   <li>{@code UnprocessedRecords} are sent again within the attempt (up to {@value
 *       #UNPROCESSED_RESENDS} more times, backoff 200 ms x 2^n); then the attempt fails with a
 *       retryable {@code UnprocessedRecords} failure and Temporal retries durably.
 *   <li>Retryable errors (throttling, 5xx, I/O) fail the attempt with a retryable failure typed
 *       with the AWS error type; throttling sets a jittered {@code nextRetryDelay} so throttled
 *       workflows spread out.
 *   <li>Invalid* errors fail the whole batch: the batch is bisected until the bad records are
 *       alone, which get final status {@link RecordStatus#INVALID}; the others still go through.
 *       Request-wide errors (InvalidProductCode, DisabledApi) mark every record of the batch
 *       INVALID without bisecting. TimestampOutOfBounds depends only on the timestamp: the batch is
 *       split by timestamp and the out-of-range ones get {@link
 *       RecordStatus#TIMESTAMP_OUT_OF_BOUNDS}.
 * </ul>
 *
 * <p><b>Batching.</b> Given the worker's {@link MeteringBatcher}, the records go through it
 * instead: they share BatchMeterUsage calls of up to 25 with other customers' records, rate-limited
 * worker-wide, with the same per-record rules (bad records isolated inside the shared batch,
 * unprocessed and throttled records re-queued a few times, then a retryable failure). The activity
 * waits for its records' outcomes, heartbeating the final results so far every {@link
 * #DEFAULT_HEARTBEAT_EVERY} (or a third of a shorter heartbeat timeout); {@link
 * SubmissionResult#calls()} counts each shared call that carried its records once. Without a
 * batcher (batching off) it sends its own calls as described.
 *
 * <p>After every call the final results so far are heartbeated as {@link SubmissionProgress}; a
 * retried attempt re-sends only records without one. Resending is safe anyway: timestamps are
 * deterministic and AWS deduplicates identical records.
 */
public final class MeteringSubmissionActivitiesImpl implements MeteringSubmissionActivities {

  /** How many times unprocessed records are re-sent within one attempt. */
  static final int UNPROCESSED_RESENDS = 3;

  static final Duration DEFAULT_UNPROCESSED_BACKOFF = Duration.ofMillis(200);
  static final Duration MAX_THROTTLE_DELAY = Duration.ofSeconds(30);
  static final String UNPROCESSED_RECORDS = UnprocessedRecordsException.TYPE;

  /** While waiting for the batcher, progress is heartbeated this often. */
  static final Duration DEFAULT_HEARTBEAT_EVERY = Duration.ofSeconds(3);

  private static final Logger log = LoggerFactory.getLogger(MeteringSubmissionActivitiesImpl.class);

  private final BisectingBatchSender direct;
  private final MeteringBatcher batcher;
  private final Duration unprocessedBackoff;
  private final Duration heartbeatEvery;

  /** Batching off: every activity sends its own records in its own calls. */
  public MeteringSubmissionActivitiesImpl(MarketplaceGateway gateway) {
    this(gateway, (MeteringBatcher) null);
  }

  /**
   * With {@code batcher} (the worker's single {@link MeteringBatcher}) the records of many
   * concurrent activities share BatchMeterUsage calls; with {@code null}, batching is off (the
   * direct path, one activity's records per call).
   */
  public MeteringSubmissionActivitiesImpl(MarketplaceGateway gateway, MeteringBatcher batcher) {
    this(gateway, batcher, DEFAULT_UNPROCESSED_BACKOFF, DEFAULT_HEARTBEAT_EVERY);
  }

  MeteringSubmissionActivitiesImpl(MarketplaceGateway gateway, Duration unprocessedBackoff) {
    this(gateway, null, unprocessedBackoff, DEFAULT_HEARTBEAT_EVERY);
  }

  MeteringSubmissionActivitiesImpl(
      MarketplaceGateway gateway,
      MeteringBatcher batcher,
      Duration unprocessedBackoff,
      Duration heartbeatEvery) {
    this.direct = new BisectingBatchSender(Objects.requireNonNull(gateway, "gateway"), null);
    this.batcher = batcher;
    this.unprocessedBackoff = Objects.requireNonNull(unprocessedBackoff, "unprocessedBackoff");
    this.heartbeatEvery = Objects.requireNonNull(heartbeatEvery, "heartbeatEvery");
  }

  /** The worker's batcher, or null when batching is off. */
  public MeteringBatcher batcher() {
    return batcher;
  }

  @Override
  public SubmissionResult submitUsageRecords(SubmissionRequest request) {
    Objects.requireNonNull(request, "request");
    return new Attempt(Activity.getExecutionContext(), request).run();
  }

  /** The state of one activity attempt. */
  private final class Attempt {
    private final ActivityExecutionContext context;
    private final String productCode;
    private final List<MeteringRecord> records;
    private final RecordResult[] results;
    private final int attempt;
    private int calls;
    private int resumed;

    Attempt(ActivityExecutionContext context, SubmissionRequest request) {
      this.context = context;
      this.productCode = request.productCode();
      this.records = request.records();
      this.results = new RecordResult[records.size()];
      this.attempt = context.getInfo().getAttempt();
    }

    SubmissionResult run() {
      restoreProgress();
      List<Integer> pending = new ArrayList<>();
      for (int i = 0; i < results.length; i++) {
        if (results[i] == null) {
          pending.add(i);
        }
      }
      try {
        if (batcher != null) {
          if (!pending.isEmpty()) {
            runBatched(pending);
          }
        } else {
          for (int from = 0;
              from < pending.size();
              from += MarketplaceGateway.MAX_RECORDS_PER_CALL) {
            send(
                pending.subList(
                    from,
                    Math.min(pending.size(), from + MarketplaceGateway.MAX_RECORDS_PER_CALL)));
          }
        }
      } catch (ApplicationFailure failure) {
        log.warn(
            "BatchMeterUsage product={} customers={} period={}: attempt {} failed after {} calls with {} "
                + "records final ({}): {}",
            productCode,
            customers(),
            periods(),
            attempt,
            calls,
            finalCount(),
            countsByStatus(),
            failure.getOriginalMessage());
        throw failure;
      }
      SubmissionResult result = new SubmissionResult(Arrays.asList(results), calls);
      // A first attempt with every record accepted is routine (the workflow logs its own line):
      // DEBUG.
      boolean routine =
          attempt == 1 && Arrays.stream(results).allMatch(r -> r.status() == RecordStatus.SUCCESS);
      log.atLevel(routine ? Level.DEBUG : Level.INFO)
          .log(
              "BatchMeterUsage product={} customers={} period={}: {} records {} in {} calls{}",
              productCode,
              customers(),
              periods(),
              records.size(),
              countsByStatus(),
              calls,
              attempt > 1
                  ? " (attempt "
                      + attempt
                      + (resumed > 0 ? ", " + resumed + " final from earlier attempts" : "")
                      + ")"
                  : "");
      return result;
    }

    /** Sends one batch (at most 25 records), re-sending its unprocessed records a few times. */
    private void send(List<Integer> batch) {
      List<Integer> pending = batch;
      for (int round = 0; ; round++) {
        List<Integer> unprocessed = callOnce(pending);
        if (unprocessed.isEmpty()) {
          return;
        }
        if (round >= UNPROCESSED_RESENDS) {
          heartbeat();
          throw ApplicationFailure.newFailure(
              unprocessed.size()
                  + " of "
                  + records.size()
                  + " records still unprocessed after "
                  + (round + 1)
                  + " sends; Temporal retries the rest",
              UNPROCESSED_RECORDS);
        }
        sleep(unprocessedBackoff.multipliedBy(1L << round));
        pending = unprocessed;
      }
    }

    /**
     * One batch through the {@link BisectingBatchSender} (one call, more when bad records are
     * isolated); returns the indices AWS left unprocessed.
     */
    private List<Integer> callOnce(List<Integer> batch) {
      List<MeteringRecord> batchRecords = batch.stream().map(records::get).toList();
      BisectingBatchSender.Result outcome;
      try {
        outcome =
            direct.send(
                productCode,
                batchRecords,
                (carried, soFar) -> {
                  calls++;
                  for (int i : carried) {
                    RecordResult r = soFar.result(i);
                    if (r != null) {
                      results[batch.get(i)] = r;
                    }
                  }
                  heartbeat();
                });
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        heartbeat();
        throw ApplicationFailure.newFailure(
            "interrupted while sending usage records", UNPROCESSED_RECORDS);
      }
      if (outcome.failure() != null) {
        throw retryable(outcome.failure());
      }
      return outcome.unprocessed().stream().map(batch::get).toList();
    }

    // ----------------------------------------------------------------------------------- batched
    // path

    /**
     * Hands the records without a final result to the worker's batcher and waits for their
     * outcomes.
     */
    private void runBatched(List<Integer> pending) {
      List<MeteringRecord> toSend = pending.stream().map(records::get).toList();
      List<CompletableFuture<RecordOutcome>> futures = batcher.submit(productCode, toSend);
      Set<Long> callIds = new HashSet<>();
      CompletableFuture<Void> all =
          CompletableFuture.allOf(futures.toArray(CompletableFuture[]::new));
      // Every few seconds, and well within a short heartbeat timeout (short test periods).
      Duration every = heartbeatEvery;
      Duration timeout = context.getInfo().getHeartbeatTimeout();
      if (timeout != null && !timeout.isZero() && timeout.dividedBy(3).compareTo(every) < 0) {
        every = timeout.dividedBy(3);
      }
      long everyMillis = Math.max(10, every.toMillis());
      while (true) {
        try {
          all.get(everyMillis, TimeUnit.MILLISECONDS);
          break;
        } catch (TimeoutException e) {
          collect(pending, futures, callIds);
          heartbeat();
        } catch (ExecutionException e) {
          break; // some record failed: collected below
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          collect(pending, futures, callIds);
          heartbeat();
          throw ApplicationFailure.newFailure(
              "interrupted while waiting for the metering batcher", UNPROCESSED_RECORDS);
        }
      }
      Throwable failure = collect(pending, futures, callIds);
      calls += callIds.size();
      heartbeat();
      if (failure != null) {
        if (failure instanceof MarketplaceCallException e && e.retryable()) {
          throw retryable(e);
        }
        if (failure instanceof UnprocessedRecordsException e) {
          throw ApplicationFailure.newFailure(
              e.getMessage()
                  + " ("
                  + finalCount()
                  + " of "
                  + records.size()
                  + " records final so far)",
              UNPROCESSED_RECORDS);
        }
        throw ApplicationFailure.newFailureWithCause(
            "metering batcher failed: " + failure, "MeteringBatcherFailure", failure);
      }
    }

    /**
     * Copies the completed outcomes into {@code results}; returns the first failure among them, if
     * any.
     */
    private Throwable collect(
        List<Integer> pending, List<CompletableFuture<RecordOutcome>> futures, Set<Long> callIds) {
      Throwable failure = null;
      for (int k = 0; k < futures.size(); k++) {
        CompletableFuture<RecordOutcome> f = futures.get(k);
        if (!f.isDone()) {
          continue;
        }
        if (f.isCompletedExceptionally()) {
          if (failure == null) {
            try {
              f.join();
            } catch (CompletionException | CancellationException e) {
              failure = e instanceof CompletionException && e.getCause() != null ? e.getCause() : e;
            }
          }
          continue;
        }
        RecordOutcome outcome = f.join();
        results[pending.get(k)] = outcome.result();
        callIds.addAll(outcome.callIds());
      }
      return failure;
    }

    private ApplicationFailure retryable(MarketplaceCallException e) {
      String message =
          e.getMessage() + " (" + finalCount() + " of " + records.size() + " records final so far)";
      if (e.throttled()) {
        return ApplicationFailure.newFailureWithCauseAndDelay(
            message, e.errorType(), null, throttleDelay());
      }
      return ApplicationFailure.newFailure(message, e.errorType());
    }

    /**
     * Exponential in the attempt number, capped, with +-50% jitter so throttled workflows spread
     * out.
     */
    private Duration throttleDelay() {
      long baseMillis =
          Math.min(MAX_THROTTLE_DELAY.toMillis(), 1000L << Math.min(Math.max(attempt - 1, 0), 5));
      double jitter = 0.5 + ThreadLocalRandom.current().nextDouble();
      return Duration.ofMillis(
          Math.max(200, Math.min(MAX_THROTTLE_DELAY.toMillis(), (long) (baseMillis * jitter))));
    }

    private void restoreProgress() {
      SubmissionProgress progress =
          context.getHeartbeatDetails(SubmissionProgress.class).orElse(null);
      if (progress == null) {
        return;
      }
      Map<MeteringRecord, Deque<Integer>> indexOf = new HashMap<>();
      for (int i = 0; i < records.size(); i++) {
        indexOf.computeIfAbsent(records.get(i), r -> new ArrayDeque<>()).add(i);
      }
      for (RecordResult done : progress.finalResults()) {
        Deque<Integer> candidates = done == null ? null : indexOf.get(done.record());
        if (candidates == null
            || candidates.isEmpty()
            || done.status() == RecordStatus.UNCONFIRMED) {
          continue;
        }
        results[candidates.poll()] = done;
        resumed++;
      }
    }

    private void heartbeat() {
      List<RecordResult> done = new ArrayList<>();
      for (RecordResult r : results) {
        if (r != null) {
          done.add(r);
        }
      }
      context.heartbeat(new SubmissionProgress(done));
    }

    private void sleep(Duration duration) {
      try {
        Thread.sleep(duration.toMillis());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        heartbeat();
        throw ApplicationFailure.newFailure(
            "interrupted while waiting to re-send unprocessed records", UNPROCESSED_RECORDS);
      }
    }

    private int finalCount() {
      int n = 0;
      for (RecordResult r : results) {
        if (r != null) {
          n++;
        }
      }
      return n;
    }

    private Map<RecordStatus, Integer> countsByStatus() {
      Map<RecordStatus, Integer> counts = new EnumMap<>(RecordStatus.class);
      for (RecordResult r : results) {
        if (r != null) {
          counts.merge(r.status(), 1, Integer::sum);
        }
      }
      return counts;
    }

    private String customers() {
      Set<String> customers = new LinkedHashSet<>();
      records.forEach(r -> customers.add(r.customer().value()));
      return abbreviate(customers);
    }

    private String periods() {
      Set<String> periods = new LinkedHashSet<>();
      records.stream()
          .map(MeteringRecord::timestamp)
          .sorted()
          .forEach(t -> periods.add(t.toString()));
      return abbreviate(periods);
    }

    private static String abbreviate(Set<String> values) {
      if (values.size() <= 3) {
        return String.join(",", values);
      }
      return String.join(",", values.stream().limit(3).toList()) + ",... (" + values.size() + ")";
    }
  }
}
