package dev.hourmeter.activities.aws;

import dev.hourmeter.activities.aws.BatchMeterOutcome.MeterStatus;
import dev.hourmeter.activities.aws.BatchMeterOutcome.MeteredRecord;
import dev.hourmeter.activities.aws.WireExtras.RecordExtras;
import dev.hourmeter.workflows.model.activity.MeteringRecord;
import dev.hourmeter.workflows.model.api.CustomerId;
import dev.hourmeter.workflows.model.api.Quantities;
import io.micrometer.core.instrument.MeterRegistry;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.services.marketplacemetering.MarketplaceMeteringClient;
import software.amazon.awssdk.services.marketplacemetering.model.BatchMeterUsageRequest;
import software.amazon.awssdk.services.marketplacemetering.model.BatchMeterUsageResponse;
import software.amazon.awssdk.services.marketplacemetering.model.Tag;
import software.amazon.awssdk.services.marketplacemetering.model.UsageAllocation;
import software.amazon.awssdk.services.marketplacemetering.model.UsageRecord;
import software.amazon.awssdk.services.marketplacemetering.model.UsageRecordResult;

/**
 * AWS Marketplace Metering: BatchMeterUsage, through the shared {@link AwsCall}. Thread-safe.
 *
 * <p>Metric: counter {@code hourmeter.aws.metering.records} tagged {@code status} (the AWS status
 * of each record, or {@code unprocessed}).
 */
public final class MeteringService {

  public static final String BATCH_METER_USAGE = "BatchMeterUsage";

  /** BatchMeterUsage accepts at most 25 records per call. */
  public static final int MAX_RECORDS_PER_CALL = 25;

  private static final BigDecimal MAX_INT = BigDecimal.valueOf(Integer.MAX_VALUE);

  private static final Logger log = LoggerFactory.getLogger(MeteringService.class);

  private final MarketplaceMeteringClient client;
  private final AwsCall aws;
  private final MeterRegistry registry;

  MeteringService(MarketplaceMeteringClient client, AwsCall aws) {
    this.client = Objects.requireNonNull(client, "client");
    this.aws = Objects.requireNonNull(aws, "aws");
    this.registry = aws.registry();
  }

  /**
   * One BatchMeterUsage call for 1 to 25 records of {@code productCode}. Each record's {@link
   * CustomerId} becomes {@code CustomerAWSAccountId} or {@code CustomerIdentifier}; a licensed
   * record (Concurrent Agreements) also carries its {@code LicenseArn} and the request then omits
   * {@code ProductCode}. Every record carries its exact quantity as {@code QuantityAsDecimal} and
   * every allocation as {@code AllocatedUsageQuantityAsDecimal}, whole numbers included ({@code
   * "17"}, {@code "0"}): AWS deprecated {@code Quantity} and {@code AllocatedUsageQuantity} on
   * 2026-10-20, and none is ever sent. The served SDK model lacks these fields: they reach the wire
   * through the {@link ConcurrentAgreementsInterceptor}. Results and unprocessed records are
   * matched back to the given records by dimension, customer, timestamp and license.
   *
   * @throws IllegalArgumentException for 0 or more than 25 records, or licensed records mixed with
   *     legacy ones (one request is one or the other)
   * @throws MarketplaceCallException when the call fails (see {@link
   *     MarketplaceCallException#kind()})
   */
  public BatchMeterOutcome batchMeterUsage(String productCode, List<MeteringRecord> records) {
    Objects.requireNonNull(productCode, "productCode");
    Objects.requireNonNull(records, "records");
    if (records.isEmpty() || records.size() > MAX_RECORDS_PER_CALL) {
      throw new IllegalArgumentException(
          "BatchMeterUsage takes 1 to " + MAX_RECORDS_PER_CALL + " records, got " + records.size());
    }
    long licensed = records.stream().filter(MeteringRecord::licensed).count();
    if (licensed != 0 && licensed != records.size()) {
      throw new IllegalArgumentException(
          "BatchMeterUsage: licensed and legacy records never share a request ("
              + licensed
              + " of "
              + records.size()
              + " licensed)");
    }
    List<UsageRecord> usageRecords = records.stream().map(MeteringService::toUsageRecord).toList();
    WireExtras extras =
        WireExtras.forUsageRecords(records.stream().map(MeteringService::extrasOf).toList());
    BatchMeterUsageRequest built =
        BatchMeterUsageRequest.builder()
            .productCode(productCode)
            .usageRecords(usageRecords)
            .overrideConfiguration(o -> o.putExecutionAttribute(WireExtras.ATTRIBUTE, extras))
            .build();
    BatchMeterUsageResponse response =
        aws.call(BATCH_METER_USAGE, () -> client.batchMeterUsage(built));
    BatchMeterOutcome outcome = match(records, response, extras);
    outcome
        .results()
        .forEach(
            r ->
                registry
                    .counter(
                        "hourmeter.aws.metering.records",
                        "status",
                        r.status().name().toLowerCase(Locale.ROOT))
                    .increment());
    if (!outcome.unprocessed().isEmpty()) {
      registry
          .counter("hourmeter.aws.metering.records", "status", "unprocessed")
          .increment(outcome.unprocessed().size());
    }
    return outcome;
  }

  private static String licenseOf(MeteringRecord record) {
    return record.licensed() ? record.customer().licenseArn() : null;
  }

  /**
   * What goes on the wire beside the SDK model: the license, and the exact quantities as decimal
   * strings in canonical form ({@code "17"}, {@code "2.5"}) for the record and each allocation.
   */
  private static RecordExtras extrasOf(MeteringRecord record) {
    List<String> allocations =
        record.usageAllocations().isEmpty()
            ? null
            : record.usageAllocations().stream().map(a -> Quantities.text(a.quantity())).toList();
    return new RecordExtras(
        licenseOf(record), Quantities.text(record.exactQuantity()), allocations);
  }

  private static UsageRecord toUsageRecord(MeteringRecord record) {
    Objects.requireNonNull(record.customer(), "record customer");
    Objects.requireNonNull(record.timestamp(), "record timestamp");
    UsageRecord.Builder builder =
        UsageRecord.builder()
            .timestamp(record.timestamp())
            .dimension(record.dimension())
            // The interceptor puts QuantityAsDecimal in its place (and refuses to send a record
            // it cannot): never a record without a quantity, which AWS would bill as 0.
            .quantity(record.quantity());
    if (!record.usageAllocations().isEmpty()) {
      // Whole parts here; each is replaced on the wire by AllocatedUsageQuantityAsDecimal.
      builder.usageAllocations(
          record.usageAllocations().stream().map(MeteringService::toAllocation).toList());
    }
    CustomerId customer = record.customer();
    if (customer.hasAwsAccountId()) {
      builder.customerAWSAccountId(customer.customerAwsAccountId());
    } else {
      builder.customerIdentifier(customer.customerIdentifier());
    }
    return builder.build();
  }

  private static UsageAllocation toAllocation(
      dev.hourmeter.workflows.model.activity.UsageAllocation allocation) {
    UsageAllocation.Builder builder =
        UsageAllocation.builder()
            .allocatedUsageQuantity(
                allocation.quantity().setScale(0, RoundingMode.DOWN).min(MAX_INT).intValueExact());
    if (allocation.tagged()) { // AWS wants 1..5 tags or none at all: an empty list is refused
      builder.tags(
          allocation.tags().entrySet().stream()
              .map(t -> Tag.builder().key(t.getKey()).value(t.getValue()).build())
              .toList());
    }
    return builder.build();
  }

  private static BatchMeterOutcome match(
      List<MeteringRecord> sent, BatchMeterUsageResponse response, WireExtras extras) {
    Map<String, List<Integer>> byKey = new HashMap<>();
    for (int i = 0; i < sent.size(); i++) {
      MeteringRecord r = sent.get(i);
      byKey
          .computeIfAbsent(
              key(r.dimension(), r.customer().value(), r.timestamp()), k -> new ArrayList<>())
          .add(i);
    }
    boolean[] answered = new boolean[sent.size()];
    List<MeteredRecord> results = new ArrayList<>();
    List<Integer> unprocessedIdx = new ArrayList<>();
    if (response.hasResults()) {
      List<UsageRecordResult> list = response.results();
      for (int n = 0; n < list.size(); n++) {
        UsageRecordResult result = list.get(n);
        Integer index = take(byKey, sent, result.usageRecord(), echoed(extras.results(), n));
        if (index == null) {
          log.warn(
              "BatchMeterUsage returned a result for a record that was not sent: {}",
              result.usageRecord());
          continue;
        }
        answered[index] = true;
        results.add(
            new MeteredRecord(
                sent.get(index),
                status(result.statusAsString()),
                result.statusAsString(),
                result.meteringRecordId()));
      }
    }
    if (response.hasUnprocessedRecords()) {
      List<UsageRecord> list = response.unprocessedRecords();
      for (int n = 0; n < list.size(); n++) {
        UsageRecord unprocessed = list.get(n);
        Integer index = take(byKey, sent, unprocessed, echoed(extras.unprocessed(), n));
        if (index == null) {
          log.warn(
              "BatchMeterUsage returned an unprocessed record that was not sent: {}", unprocessed);
          continue;
        }
        answered[index] = true;
        unprocessedIdx.add(index);
      }
    }
    for (int i = 0; i < sent.size(); i++) {
      if (!answered[i]) {
        // AWS said nothing about it: treat as unprocessed (resending is idempotent), never as
        // accepted.
        log.warn(
            "BatchMeterUsage response did not mention record {}; treating it as unprocessed",
            sent.get(i).key());
        unprocessedIdx.add(i);
      }
    }
    unprocessedIdx.sort(Integer::compare);
    return new BatchMeterOutcome(results, unprocessedIdx.stream().map(sent::get).toList());
  }

  private static RecordExtras echoed(List<RecordExtras> read, int n) {
    return n < read.size() ? read.get(n) : RecordExtras.NONE;
  }

  /**
   * The first unanswered record sent with the echoed record's dimension, customer and timestamp,
   * and its license when the echo names one (AWS deduplicates per license).
   */
  private static Integer take(
      Map<String, List<Integer>> byKey,
      List<MeteringRecord> sent,
      UsageRecord echoed,
      RecordExtras extra) {
    if (echoed == null || echoed.timestamp() == null) {
      return null;
    }
    String customer =
        echoed.customerAWSAccountId() != null && !echoed.customerAWSAccountId().isBlank()
            ? echoed.customerAWSAccountId()
            : echoed.customerIdentifier();
    List<Integer> candidates = byKey.get(key(echoed.dimension(), customer, echoed.timestamp()));
    if (candidates == null) {
      return null;
    }
    for (Iterator<Integer> it = candidates.iterator(); it.hasNext(); ) {
      Integer index = it.next();
      if (extra.licenseArn() == null || extra.licenseArn().equals(licenseOf(sent.get(index)))) {
        it.remove();
        return index;
      }
    }
    return null;
  }

  private static String key(String dimension, String customer, Instant timestamp) {
    // Millisecond precision: the wire format carries epoch seconds with a 3-digit fraction.
    return dimension + '\u0000' + customer + '\u0000' + timestamp.toEpochMilli();
  }

  private static MeterStatus status(String awsStatus) {
    if (awsStatus == null) {
      return MeterStatus.UNRECOGNIZED;
    }
    return switch (awsStatus) {
      case "Success" -> MeterStatus.SUCCESS;
      case "CustomerNotSubscribed" -> MeterStatus.CUSTOMER_NOT_SUBSCRIBED;
      case "DuplicateRecord" -> MeterStatus.DUPLICATE_RECORD;
      default -> MeterStatus.UNRECOGNIZED;
    };
  }
}
