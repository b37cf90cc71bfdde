package dev.hourmeter.activities.batching;

import dev.hourmeter.activities.aws.BatchMeterOutcome;
import dev.hourmeter.activities.aws.BatchMeterOutcome.MeteredRecord;
import dev.hourmeter.activities.aws.MarketplaceCallException;
import dev.hourmeter.activities.aws.MeteringService;
import dev.hourmeter.workflows.model.activity.MeteringRecord;
import dev.hourmeter.workflows.model.activity.RecordResult;
import dev.hourmeter.workflows.model.activity.RecordStatus;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends one batch (1 to 25 records of one product) with BatchMeterUsage and isolates bad records:
 * the one place that interprets a BatchMeterUsage answer, used both by the {@link
 * DirectRecordSender} and by the {@link MeteringBatcher} for shared cross-customer batches.
 *
 * <ul>
 *   <li>{@code Success}, {@code DuplicateRecord}, {@code CustomerNotSubscribed} become final
 *       results.
 *   <li>Invalid* errors fail the whole batch: it is bisected until the bad records are alone, which
 *       get {@link RecordStatus#INVALID}; the others still go through. Request-wide errors
 *       (InvalidProductCode, DisabledApi) mark every record of the batch INVALID without bisecting;
 *       InvalidLicense splits the batch by license and hour, and a group that fails alone is
 *       INVALID (detail {@code InvalidLicenseException: ...}, shown in {@code status}).
 *   <li>TimestampOutOfBounds depends only on the timestamp: the batch is split by timestamp and the
 *       out-of-range ones get {@link RecordStatus#TIMESTAMP_OUT_OF_BOUNDS}.
 *   <li>UnprocessedRecords are returned to the caller to send again.
 *   <li>A retryable error (throttling, 5xx, I/O) stops the batch: the records without a final
 *       result that are not unprocessed are {@linkplain BatchResult#failed() failed} with that
 *       error.
 * </ul>
 *
 * Every call, including bisection calls, first takes a permit from the optional {@link
 * MeteringRateLimiter}.
 */
public final class BisectingBatchSender {

  private static final Logger log = LoggerFactory.getLogger(BisectingBatchSender.class);

  /** Told after every BatchMeterUsage call which records (indices into the batch) it carried. */
  @FunctionalInterface
  public interface CallListener {
    void afterCall(List<Integer> carried, BatchResult soFar);

    CallListener NONE = (carried, soFar) -> {};
  }

  private final MeteringService metering;
  private final MeteringRateLimiter limiter;

  /**
   * @param limiter shared rate limiter, or null for none
   */
  public BisectingBatchSender(MeteringService metering, MeteringRateLimiter limiter) {
    this.metering = Objects.requireNonNull(metering, "metering");
    this.limiter = limiter;
  }

  /**
   * Sends {@code records} (1 to 25) and isolates bad records.
   *
   * @throws InterruptedException while waiting for the rate limiter; the result so far is lost to
   *     the caller, who must treat every record as not final
   */
  public BatchResult send(String productCode, List<MeteringRecord> records, CallListener listener)
      throws InterruptedException {
    return send(productCode, records, listener, null);
  }

  /**
   * As {@link #send(String, List, CallListener)}; with a {@code firstPermit} the caller already
   * took the rate-limiter permit for the first call (released here when that call completes;
   * bisection calls take their own).
   */
  public BatchResult send(
      String productCode,
      List<MeteringRecord> records,
      CallListener listener,
      MeteringRateLimiter.Permit firstPermit)
      throws InterruptedException {
    Objects.requireNonNull(listener, "listener");
    if (records.isEmpty() || records.size() > MeteringService.MAX_RECORDS_PER_CALL) {
      throw new IllegalArgumentException(
          "a batch has 1 to "
              + MeteringService.MAX_RECORDS_PER_CALL
              + " records, got "
              + records.size());
    }
    Exchange exchange = new Exchange(productCode, records, listener);
    exchange.heldPermit = firstPermit;
    List<Integer> all = new ArrayList<>(records.size());
    for (int i = 0; i < records.size(); i++) {
      all.add(i);
    }
    exchange.call(all);
    return exchange.result;
  }

  private final class Exchange {
    private final String productCode;
    private final List<MeteringRecord> records;
    private final CallListener listener;
    private final BatchResult result;
    private MeteringRateLimiter.Permit heldPermit;

    Exchange(String productCode, List<MeteringRecord> records, CallListener listener) {
      this.productCode = productCode;
      this.records = records;
      this.listener = listener;
      this.result = new BatchResult(records.size());
    }

    void call(List<Integer> batch) throws InterruptedException {
      if (result.failure != null) {
        return;
      }
      MeteringRateLimiter.Permit permit;
      if (heldPermit != null) {
        permit = heldPermit;
        heldPermit = null;
      } else {
        permit = limiter != null ? limiter.acquire() : MeteringRateLimiter.UNLIMITED;
      }
      List<MeteringRecord> batchRecords = batch.stream().map(records::get).toList();
      BatchMeterOutcome outcome;
      result.calls++;
      try {
        outcome = metering.batchMeterUsage(productCode, batchRecords);
      } catch (MarketplaceCallException e) {
        permit.release();
        switch (e.kind()) {
          case RETRYABLE -> {
            result.failure = e;
            listener.afterCall(batch, result);
          }
          case NON_RETRYABLE -> {
            Map<String, List<Integer>> byLicenseHour =
                e.licenseWide() ? groupByLicenseAndHour(batch) : Map.of();
            if (batch.size() == 1 || e.requestWide() || byLicenseHour.size() == 1) {
              markAll(batch, RecordStatus.INVALID, e);
              listener.afterCall(batch, result);
            } else if (e.licenseWide()) {
              // InvalidLicense: only a license (for an hour) is bad; each one goes alone.
              listener.afterCall(batch, result);
              for (List<Integer> group : byLicenseHour.values()) {
                call(group);
              }
            } else {
              listener.afterCall(batch, result);
              int middle = batch.size() / 2;
              call(batch.subList(0, middle));
              call(batch.subList(middle, batch.size()));
            }
          }
          case TIMESTAMP_OUT_OF_BOUNDS -> {
            Map<Instant, List<Integer>> byTimestamp = new LinkedHashMap<>();
            batch.forEach(
                i ->
                    byTimestamp
                        .computeIfAbsent(records.get(i).timestamp(), t -> new ArrayList<>())
                        .add(i));
            if (byTimestamp.size() == 1) {
              // The error depends only on the timestamp: every record of this batch shares it.
              markAll(batch, RecordStatus.TIMESTAMP_OUT_OF_BOUNDS, e);
              listener.afterCall(batch, result);
            } else {
              listener.afterCall(batch, result);
              for (List<Integer> group : byTimestamp.values()) {
                call(group);
              }
            }
          }
          default -> throw new IllegalStateException("unknown kind " + e.kind());
        }
        return;
      } finally {
        permit.release();
      }
      Map<MeteringRecord, Deque<Integer>> indexOf = new HashMap<>();
      batch.forEach(i -> indexOf.computeIfAbsent(records.get(i), r -> new ArrayDeque<>()).add(i));
      for (MeteredRecord metered : outcome.results()) {
        Deque<Integer> candidates = indexOf.get(metered.record());
        Integer index = candidates == null ? null : candidates.poll();
        if (index != null) {
          result.results[index] = toResult(metered);
        }
      }
      for (MeteringRecord record : outcome.unprocessed()) {
        Deque<Integer> candidates = indexOf.get(record);
        Integer index = candidates == null ? null : candidates.poll();
        if (index != null) {
          result.unprocessed.add(index);
        }
      }
      // Anything the gateway matched to no result is sent again, never assumed accepted.
      indexOf.values().forEach(result.unprocessed::addAll);
      listener.afterCall(batch, result);
    }

    private Map<String, List<Integer>> groupByLicenseAndHour(List<Integer> batch) {
      Map<String, List<Integer>> groups = new LinkedHashMap<>();
      for (int i : batch) {
        MeteringRecord r = records.get(i);
        groups
            .computeIfAbsent(
                r.customer().licenseArn() + '\u0000' + r.timestamp(), k -> new ArrayList<>())
            .add(i);
      }
      return groups;
    }

    private void markAll(List<Integer> batch, RecordStatus status, MarketplaceCallException e) {
      for (int index : batch) {
        result.results[index] = new RecordResult(records.get(index), status, null, e.detail());
      }
      log.warn(
          "BatchMeterUsage product={}: {} record(s) {} ({}): {}",
          productCode,
          batch.size(),
          status,
          e.errorType(),
          batch.stream().map(i -> records.get(i).key()).toList());
    }
  }

  static RecordResult toResult(MeteredRecord metered) {
    return switch (metered.status()) {
      case SUCCESS ->
          new RecordResult(
              metered.record(), RecordStatus.SUCCESS, metered.meteringRecordId(), null);
      case DUPLICATE_RECORD ->
          new RecordResult(
              metered.record(),
              RecordStatus.DUPLICATE_RECORD,
              metered.meteringRecordId(),
              "DuplicateRecord: this customer, dimension and hour was already metered "
                  + "with another quantity; the first quantity stays billed");
      case CUSTOMER_NOT_SUBSCRIBED ->
          new RecordResult(
              metered.record(),
              RecordStatus.CUSTOMER_NOT_SUBSCRIBED,
              metered.meteringRecordId(),
              "CustomerNotSubscribed");
      case UNRECOGNIZED ->
          new RecordResult(
              metered.record(),
              RecordStatus.INVALID,
              metered.meteringRecordId(),
              "unrecognized BatchMeterUsage status '" + metered.awsStatus() + "'");
    };
  }
}
