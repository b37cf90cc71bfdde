package dev.hourmeter.activities;

import dev.hourmeter.activities.aws.BatchMeterOutcome;
import dev.hourmeter.activities.aws.BatchMeterOutcome.MeteredRecord;
import dev.hourmeter.activities.aws.MarketplaceCallException;
import dev.hourmeter.activities.aws.MarketplaceGateway;
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
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Deque;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends a {@link SubmissionRequest} with BatchMeterUsage, at most 25 records per call.
 *
 * <ul>
 *   <li>{@code Success}, {@code DuplicateRecord} and {@code CustomerNotSubscribed} are final results.</li>
 *   <li>{@code UnprocessedRecords} are sent again within the attempt (up to {@value #UNPROCESSED_RESENDS}
 *       more times, backoff 200 ms x 2^n); then the attempt fails with a retryable
 *       {@code UnprocessedRecords} failure and Temporal retries durably.</li>
 *   <li>Retryable errors (throttling, 5xx, I/O) fail the attempt with a retryable failure typed with the AWS
 *       error type; throttling sets a jittered {@code nextRetryDelay} so throttled workflows spread out.</li>
 *   <li>Invalid* errors fail the whole batch: the batch is bisected until the bad records are alone, which
 *       get final status {@link RecordStatus#INVALID}; the others still go through. Request-wide errors
 *       (InvalidProductCode, DisabledApi) mark every record of the batch INVALID without bisecting.
 *       TimestampOutOfBounds depends only on the timestamp: the batch is split by timestamp and the
 *       out-of-range ones get {@link RecordStatus#TIMESTAMP_OUT_OF_BOUNDS}.</li>
 * </ul>
 *
 * <p>After every call the final results so far are heartbeated as {@link SubmissionProgress}; a retried
 * attempt re-sends only records without one. Resending is safe anyway: timestamps are deterministic and
 * AWS deduplicates identical records.
 */
public final class MeteringSubmissionActivitiesImpl implements MeteringSubmissionActivities {

  /** How many times unprocessed records are re-sent within one attempt. */
  static final int UNPROCESSED_RESENDS = 3;
  static final Duration DEFAULT_UNPROCESSED_BACKOFF = Duration.ofMillis(200);
  static final Duration MAX_THROTTLE_DELAY = Duration.ofSeconds(30);
  static final String UNPROCESSED_RECORDS = "UnprocessedRecords";

  private static final Logger log = LoggerFactory.getLogger(MeteringSubmissionActivitiesImpl.class);

  private final MarketplaceGateway gateway;
  private final Duration unprocessedBackoff;

  public MeteringSubmissionActivitiesImpl(MarketplaceGateway gateway) {
    this(gateway, DEFAULT_UNPROCESSED_BACKOFF);
  }

  MeteringSubmissionActivitiesImpl(MarketplaceGateway gateway, Duration unprocessedBackoff) {
    this.gateway = Objects.requireNonNull(gateway, "gateway");
    this.unprocessedBackoff = Objects.requireNonNull(unprocessedBackoff, "unprocessedBackoff");
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
        for (int from = 0; from < pending.size(); from += MarketplaceGateway.MAX_RECORDS_PER_CALL) {
          send(pending.subList(from, Math.min(pending.size(), from + MarketplaceGateway.MAX_RECORDS_PER_CALL)));
        }
      } catch (ApplicationFailure failure) {
        log.warn("BatchMeterUsage product={} customers={} period={}: attempt {} failed after {} calls with {} "
                + "records final ({}): {}", productCode, customers(), periods(), attempt, calls,
            finalCount(), countsByStatus(), failure.getOriginalMessage());
        throw failure;
      }
      SubmissionResult result = new SubmissionResult(Arrays.asList(results), calls);
      log.info("BatchMeterUsage product={} customers={} period={}: {} records {} in {} calls{}",
          productCode, customers(), periods(), records.size(), countsByStatus(), calls,
          attempt > 1 ? " (attempt " + attempt + (resumed > 0 ? ", " + resumed + " final from earlier attempts" : "")
              + ")" : "");
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
          throw ApplicationFailure.newFailure(unprocessed.size() + " of " + records.size()
                  + " records still unprocessed after " + (round + 1) + " sends; Temporal retries the rest",
              UNPROCESSED_RECORDS);
        }
        sleep(unprocessedBackoff.multipliedBy(1L << round));
        pending = unprocessed;
      }
    }

    /** One BatchMeterUsage call; returns the indices AWS left unprocessed. */
    private List<Integer> callOnce(List<Integer> batch) {
      List<MeteringRecord> batchRecords = batch.stream().map(records::get).toList();
      BatchMeterOutcome outcome;
      calls++;
      try {
        outcome = gateway.batchMeterUsage(productCode, batchRecords);
      } catch (MarketplaceCallException e) {
        heartbeat();
        return switch (e.kind()) {
          case RETRYABLE -> throw retryable(e);
          case NON_RETRYABLE -> isolateInvalid(batch, e);
          case TIMESTAMP_OUT_OF_BOUNDS -> isolateOutOfBounds(batch, e);
        };
      }
      Map<MeteringRecord, Deque<Integer>> indexOf = indexByRecord(batch);
      for (MeteredRecord metered : outcome.results()) {
        int index = indexOf.get(metered.record()).poll();
        results[index] = toResult(metered);
      }
      List<Integer> unprocessed = new ArrayList<>();
      for (MeteringRecord record : outcome.unprocessed()) {
        unprocessed.add(indexOf.get(record).poll());
      }
      heartbeat();
      return unprocessed;
    }

    private List<Integer> isolateInvalid(List<Integer> batch, MarketplaceCallException e) {
      if (batch.size() == 1 || e.requestWide()) {
        markAll(batch, RecordStatus.INVALID, e);
        return List.of();
      }
      int middle = batch.size() / 2;
      send(batch.subList(0, middle));
      send(batch.subList(middle, batch.size()));
      return List.of();
    }

    private List<Integer> isolateOutOfBounds(List<Integer> batch, MarketplaceCallException e) {
      Map<Instant, List<Integer>> byTimestamp = new LinkedHashMap<>();
      batch.forEach(i -> byTimestamp.computeIfAbsent(records.get(i).timestamp(), t -> new ArrayList<>()).add(i));
      if (byTimestamp.size() == 1) {
        // The error depends only on the timestamp: every record of this batch shares it.
        markAll(batch, RecordStatus.TIMESTAMP_OUT_OF_BOUNDS, e);
        return List.of();
      }
      byTimestamp.values().forEach(this::send);
      return List.of();
    }

    private void markAll(List<Integer> batch, RecordStatus status, MarketplaceCallException e) {
      for (int index : batch) {
        results[index] = new RecordResult(records.get(index), status, null, e.detail());
      }
      log.warn("BatchMeterUsage product={}: {} record(s) {} ({}): {}", productCode, batch.size(), status,
          e.errorType(), batch.stream().map(i -> records.get(i).key()).toList());
    }

    private ApplicationFailure retryable(MarketplaceCallException e) {
      String message = e.getMessage() + " (" + finalCount() + " of " + records.size() + " records final so far)";
      if (e.throttled()) {
        return ApplicationFailure.newFailureWithCauseAndDelay(message, e.errorType(), null, throttleDelay());
      }
      return ApplicationFailure.newFailure(message, e.errorType());
    }

    /** Exponential in the attempt number, capped, with +-50% jitter so throttled workflows spread out. */
    private Duration throttleDelay() {
      long baseMillis = Math.min(MAX_THROTTLE_DELAY.toMillis(), 1000L << Math.min(Math.max(attempt - 1, 0), 5));
      double jitter = 0.5 + ThreadLocalRandom.current().nextDouble();
      return Duration.ofMillis(Math.max(200, Math.min(MAX_THROTTLE_DELAY.toMillis(), (long) (baseMillis * jitter))));
    }

    private RecordResult toResult(MeteredRecord metered) {
      return switch (metered.status()) {
        case SUCCESS -> new RecordResult(metered.record(), RecordStatus.SUCCESS, metered.meteringRecordId(), null);
        case DUPLICATE_RECORD -> new RecordResult(metered.record(), RecordStatus.DUPLICATE_RECORD,
            metered.meteringRecordId(), "DuplicateRecord: this customer, dimension and hour was already metered "
                + "with another quantity; the first quantity stays billed");
        case CUSTOMER_NOT_SUBSCRIBED -> new RecordResult(metered.record(), RecordStatus.CUSTOMER_NOT_SUBSCRIBED,
            metered.meteringRecordId(), "CustomerNotSubscribed");
        case UNRECOGNIZED -> new RecordResult(metered.record(), RecordStatus.INVALID, metered.meteringRecordId(),
            "unrecognized BatchMeterUsage status '" + metered.awsStatus() + "'");
      };
    }

    private Map<MeteringRecord, Deque<Integer>> indexByRecord(List<Integer> batch) {
      Map<MeteringRecord, Deque<Integer>> indexOf = new HashMap<>();
      batch.forEach(i -> indexOf.computeIfAbsent(records.get(i), r -> new ArrayDeque<>()).add(i));
      return indexOf;
    }

    private void restoreProgress() {
      SubmissionProgress progress = context.getHeartbeatDetails(SubmissionProgress.class).orElse(null);
      if (progress == null) {
        return;
      }
      Map<MeteringRecord, Deque<Integer>> indexOf = new HashMap<>();
      for (int i = 0; i < records.size(); i++) {
        indexOf.computeIfAbsent(records.get(i), r -> new ArrayDeque<>()).add(i);
      }
      for (RecordResult done : progress.finalResults()) {
        Deque<Integer> candidates = done == null ? null : indexOf.get(done.record());
        if (candidates == null || candidates.isEmpty() || done.status() == RecordStatus.UNCONFIRMED) {
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
        throw ApplicationFailure.newFailure("interrupted while waiting to re-send unprocessed records",
            UNPROCESSED_RECORDS);
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
      records.stream().map(MeteringRecord::timestamp).sorted().forEach(t -> periods.add(t.toString()));
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
