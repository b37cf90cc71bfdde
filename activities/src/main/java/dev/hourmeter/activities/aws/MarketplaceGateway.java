package dev.hourmeter.activities.aws;

import dev.hourmeter.activities.aws.BatchMeterOutcome.MeterStatus;
import dev.hourmeter.activities.aws.BatchMeterOutcome.MeteredRecord;
import dev.hourmeter.workflows.model.CustomerId;
import dev.hourmeter.workflows.model.MeteringRecord;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Metrics;
import io.micrometer.core.instrument.Timer;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.awscore.retry.AwsRetryStrategy;
import software.amazon.awssdk.core.client.config.ClientOverrideConfiguration;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.http.SdkHttpClient;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.cloudtrail.CloudTrailClient;
import software.amazon.awssdk.services.cloudtrail.CloudTrailClientBuilder;
import software.amazon.awssdk.services.cloudtrail.model.Event;
import software.amazon.awssdk.services.cloudtrail.model.LookupAttribute;
import software.amazon.awssdk.services.cloudtrail.model.LookupAttributeKey;
import software.amazon.awssdk.services.cloudtrail.model.LookupEventsRequest;
import software.amazon.awssdk.services.cloudtrail.model.LookupEventsResponse;
import software.amazon.awssdk.services.marketplaceentitlement.MarketplaceEntitlementClient;
import software.amazon.awssdk.services.marketplaceentitlement.MarketplaceEntitlementClientBuilder;
import software.amazon.awssdk.services.marketplaceentitlement.model.Entitlement;
import software.amazon.awssdk.services.marketplaceentitlement.model.EntitlementValue;
import software.amazon.awssdk.services.marketplaceentitlement.model.GetEntitlementFilterName;
import software.amazon.awssdk.services.marketplaceentitlement.model.GetEntitlementsRequest;
import software.amazon.awssdk.services.marketplaceentitlement.model.GetEntitlementsResponse;
import software.amazon.awssdk.services.marketplacemetering.MarketplaceMeteringClient;
import software.amazon.awssdk.services.marketplacemetering.MarketplaceMeteringClientBuilder;
import software.amazon.awssdk.services.marketplacemetering.model.BatchMeterUsageRequest;
import software.amazon.awssdk.services.marketplacemetering.model.BatchMeterUsageResponse;
import software.amazon.awssdk.services.marketplacemetering.model.UsageRecord;
import software.amazon.awssdk.services.marketplacemetering.model.UsageRecordResult;

/**
 * The single adapter through which every AWS call of hourmeter goes: BatchMeterUsage,
 * GetEntitlements and CloudTrail LookupEvents. SDK-level retries are off (Temporal owns retries);
 * every SDK failure is classified once by {@link AwsErrorClassifier} and surfaces as a {@link
 * MarketplaceCallException}.
 *
 * <p>Thread-safe: one instance serves all activity threads of a worker. Close it when the worker
 * stops.
 *
 * <p>Metrics (no customer ids in tags): counter {@code hourmeter.aws.calls} tagged {@code
 * operation}, {@code outcome} ({@code success}, {@code retryable}, {@code non_retryable}, {@code
 * timestamp_out_of_bounds}) and {@code error} (AWS error type or {@code none}); timer {@code
 * hourmeter.aws.call.duration} tagged {@code operation} and {@code outcome}; counter {@code
 * hourmeter.aws.metering.records} tagged {@code status}.
 */
public final class MarketplaceGateway implements AutoCloseable {

  public static final String BATCH_METER_USAGE = "BatchMeterUsage";
  public static final String GET_ENTITLEMENTS = "GetEntitlements";
  public static final String LOOKUP_EVENTS = "LookupEvents";

  /** BatchMeterUsage accepts at most 25 records per call. */
  public static final int MAX_RECORDS_PER_CALL = 25;

  /** GetEntitlements MaxResults upper bound. */
  public static final int MAX_ENTITLEMENT_PAGE_SIZE = 25;

  /** LookupEvents MaxResults upper bound. */
  public static final int MAX_TRAIL_PAGE_SIZE = 50;

  static final String SIMULATOR_ACCESS_KEY = "AKIDHOURMETERSIMULATOR";
  static final String SIMULATOR_SECRET_KEY = "hourmeter-simulator-dummy-secret";

  private static final Logger log = LoggerFactory.getLogger(MarketplaceGateway.class);

  private final AwsSettings settings;
  private final MeterRegistry registry;
  private final SdkHttpClient httpClient;
  private final AwsCredentialsProvider credentials;
  private final MarketplaceMeteringClient metering;
  private final MarketplaceEntitlementClient entitlement;
  private final CloudTrailClient cloudTrail;

  private volatile int entitlementPageSize = MAX_ENTITLEMENT_PAGE_SIZE;
  private volatile int maxPages = 1_000;
  private volatile Duration trailPageInterval = Duration.ofMillis(500);

  /** Uses {@link Metrics#globalRegistry} (a no-op until the application adds a registry to it). */
  public MarketplaceGateway(AwsSettings settings) {
    this(settings, Metrics.globalRegistry);
  }

  public MarketplaceGateway(AwsSettings settings, MeterRegistry registry) {
    this.settings = Objects.requireNonNull(settings, "settings");
    this.registry = registry == null ? Metrics.globalRegistry : registry;
    this.httpClient =
        UrlConnectionHttpClient.builder()
            .connectionTimeout(settings.connectTimeout())
            .socketTimeout(settings.readTimeout())
            .build();
    this.credentials =
        switch (settings.credentials()) {
          case DEFAULT_CHAIN -> DefaultCredentialsProvider.builder().build();
          case SIMULATOR_DUMMY ->
              StaticCredentialsProvider.create(
                  AwsBasicCredentials.create(SIMULATOR_ACCESS_KEY, SIMULATOR_SECRET_KEY));
        };
    Duration callTimeout = settings.connectTimeout().plus(settings.readTimeout()).plusSeconds(5);
    ClientOverrideConfiguration overrides =
        ClientOverrideConfiguration.builder()
            // Temporal owns retries: the SDK makes exactly one attempt per call.
            .retryStrategy(AwsRetryStrategy.doNotRetry())
            .apiCallAttemptTimeout(callTimeout)
            .apiCallTimeout(callTimeout)
            .build();

    MarketplaceMeteringClientBuilder mb =
        MarketplaceMeteringClient.builder()
            .httpClient(httpClient)
            .credentialsProvider(credentials)
            .region(Region.of(settings.region()))
            .overrideConfiguration(overrides);
    if (settings.meteringEndpoint() != null) {
      mb.endpointOverride(settings.meteringEndpoint());
    }
    this.metering = mb.build();

    MarketplaceEntitlementClientBuilder eb =
        MarketplaceEntitlementClient.builder()
            .httpClient(httpClient)
            .credentialsProvider(credentials)
            .region(Region.of(settings.entitlementRegion()))
            .overrideConfiguration(overrides);
    if (settings.entitlementEndpoint() != null) {
      eb.endpointOverride(settings.entitlementEndpoint());
    }
    this.entitlement = eb.build();

    CloudTrailClientBuilder cb =
        CloudTrailClient.builder()
            .httpClient(httpClient)
            .credentialsProvider(credentials)
            .region(Region.of(settings.region()))
            .overrideConfiguration(overrides);
    if (settings.cloudTrailEndpoint() != null) {
      cb.endpointOverride(settings.cloudTrailEndpoint());
    }
    this.cloudTrail = cb.build();

    log.info(
        "AWS Marketplace gateway: region={} metering={} entitlement={} (region {}) cloudtrail={} credentials={}",
        settings.region(),
        describe(settings.meteringEndpoint()),
        describe(settings.entitlementEndpoint()),
        settings.entitlementRegion(),
        describe(settings.cloudTrailEndpoint()),
        settings.credentials());
  }

  /** A gateway for the local simulator at {@code endpoint} (dummy credentials, us-east-1). */
  public static MarketplaceGateway forSimulator(URI endpoint, MeterRegistry registry) {
    return new MarketplaceGateway(AwsSettings.forSimulator(endpoint), registry);
  }

  public AwsSettings settings() {
    return settings;
  }

  // ---------------------------------------------------------------- BatchMeterUsage

  /**
   * One BatchMeterUsage call for 1 to 25 records of {@code productCode}. Each record's {@link
   * CustomerId} becomes {@code CustomerAWSAccountId} or {@code CustomerIdentifier}. Results and
   * unprocessed records are matched back to the given records by dimension, customer and timestamp.
   *
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
    List<UsageRecord> usageRecords =
        records.stream().map(MarketplaceGateway::toUsageRecord).toList();
    BatchMeterUsageRequest request =
        BatchMeterUsageRequest.builder()
            .productCode(productCode)
            .usageRecords(usageRecords)
            .build();
    BatchMeterUsageResponse response =
        call(BATCH_METER_USAGE, () -> metering.batchMeterUsage(request));
    BatchMeterOutcome outcome = match(records, response);
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

  private static UsageRecord toUsageRecord(MeteringRecord record) {
    Objects.requireNonNull(record.customer(), "record customer");
    Objects.requireNonNull(record.timestamp(), "record timestamp");
    UsageRecord.Builder builder =
        UsageRecord.builder()
            .timestamp(record.timestamp())
            .dimension(record.dimension())
            .quantity(record.quantity());
    CustomerId customer = record.customer();
    if (customer.hasAwsAccountId()) {
      builder.customerAWSAccountId(customer.customerAwsAccountId());
    } else {
      builder.customerIdentifier(customer.customerIdentifier());
    }
    return builder.build();
  }

  private static BatchMeterOutcome match(
      List<MeteringRecord> sent, BatchMeterUsageResponse response) {
    Map<String, Deque<Integer>> byKey = new HashMap<>();
    for (int i = 0; i < sent.size(); i++) {
      MeteringRecord r = sent.get(i);
      byKey
          .computeIfAbsent(
              key(r.dimension(), r.customer().value(), r.timestamp()), k -> new ArrayDeque<>())
          .add(i);
    }
    boolean[] answered = new boolean[sent.size()];
    List<MeteredRecord> results = new ArrayList<>();
    List<Integer> unprocessedIdx = new ArrayList<>();
    if (response.hasResults()) {
      for (UsageRecordResult result : response.results()) {
        Integer index = take(byKey, result.usageRecord());
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
      for (UsageRecord unprocessed : response.unprocessedRecords()) {
        Integer index = take(byKey, unprocessed);
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

  private static Integer take(Map<String, Deque<Integer>> byKey, UsageRecord echoed) {
    if (echoed == null || echoed.timestamp() == null) {
      return null;
    }
    String customer =
        echoed.customerAWSAccountId() != null && !echoed.customerAWSAccountId().isBlank()
            ? echoed.customerAWSAccountId()
            : echoed.customerIdentifier();
    Deque<Integer> candidates = byKey.get(key(echoed.dimension(), customer, echoed.timestamp()));
    return candidates == null || candidates.isEmpty() ? null : candidates.poll();
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

  // ---------------------------------------------------------------- GetEntitlements

  /**
   * Every entitlement of {@code customer} for {@code productCode}, following all pages (an empty
   * page may still carry a NextToken). Filters by {@code CUSTOMER_AWS_ACCOUNT_ID} or {@code
   * CUSTOMER_IDENTIFIER}.
   *
   * @throws MarketplaceCallException when a call fails, or ({@code PagingLimitExceeded}) when
   *     paging does not end within the page cap or AWS repeats a token
   */
  public List<EntitlementItem> getEntitlements(String productCode, CustomerId customer) {
    Objects.requireNonNull(productCode, "productCode");
    Objects.requireNonNull(customer, "customer");
    GetEntitlementFilterName filterName =
        customer.hasAwsAccountId()
            ? GetEntitlementFilterName.CUSTOMER_AWS_ACCOUNT_ID
            : GetEntitlementFilterName.CUSTOMER_IDENTIFIER;
    Map<GetEntitlementFilterName, List<String>> filter =
        Map.of(filterName, List.of(customer.value()));
    int pageSize = entitlementPageSize;
    int cap = maxPages;
    List<EntitlementItem> items = new ArrayList<>();
    String token = null;
    int pages = 0;
    do {
      if (pages >= cap) {
        throw AwsErrorClassifier.pagingLimitExceeded(
            GET_ENTITLEMENTS,
            cap,
            "GetEntitlements for product "
                + productCode
                + " still returned a NextToken after "
                + pages
                + " pages");
      }
      GetEntitlementsRequest request =
          GetEntitlementsRequest.builder()
              .productCode(productCode)
              .filter(filter)
              .maxResults(pageSize)
              .nextToken(token)
              .build();
      GetEntitlementsResponse response =
          call(GET_ENTITLEMENTS, () -> entitlement.getEntitlements(request));
      pages++;
      if (response.hasEntitlements()) {
        response.entitlements().forEach(e -> items.add(toItem(e)));
      }
      String next = response.nextToken();
      if (next != null && next.equals(token)) {
        throw AwsErrorClassifier.pagingLimitExceeded(
            GET_ENTITLEMENTS,
            cap,
            "GetEntitlements for product " + productCode + " returned the NextToken it was given");
      }
      token = next == null || next.isEmpty() ? null : next;
    } while (token != null);
    log.debug(
        "GetEntitlements {} {}: {} entitlements in {} pages",
        productCode,
        customer,
        items.size(),
        pages);
    return List.copyOf(items);
  }

  private static EntitlementItem toItem(Entitlement e) {
    EntitlementValue v = e.value();
    return new EntitlementItem(
        e.productCode(),
        e.dimension(),
        e.customerIdentifier(),
        e.customerAWSAccountId(),
        v == null ? null : v.integerValue(),
        v == null ? null : v.doubleValue(),
        v == null ? null : v.booleanValue(),
        v == null ? null : v.stringValue(),
        e.expirationDate());
  }

  // ---------------------------------------------------------------- CloudTrail

  /**
   * CloudTrail LookupEvents for {@code eventName} (e.g. {@code BatchMeterUsage}) in {@code [start,
   * end]}, all pages, with the same parameters on every page and at least half a second between
   * pages (LookupEvents allows 2 requests per second).
   */
  public List<TrailEvent> lookupEvents(String eventName, Instant start, Instant end) {
    Objects.requireNonNull(eventName, "eventName");
    Objects.requireNonNull(start, "start");
    Objects.requireNonNull(end, "end");
    LookupAttribute attribute =
        LookupAttribute.builder()
            .attributeKey(LookupAttributeKey.EVENT_NAME)
            .attributeValue(eventName)
            .build();
    int cap = maxPages;
    List<TrailEvent> events = new ArrayList<>();
    String token = null;
    int pages = 0;
    do {
      if (pages >= cap) {
        throw AwsErrorClassifier.pagingLimitExceeded(
            LOOKUP_EVENTS,
            cap,
            "LookupEvents still returned a NextToken after " + pages + " pages");
      }
      if (pages > 0) {
        pause(trailPageInterval);
      }
      LookupEventsRequest request =
          LookupEventsRequest.builder()
              .lookupAttributes(attribute)
              .startTime(start)
              .endTime(end)
              .maxResults(MAX_TRAIL_PAGE_SIZE)
              .nextToken(token)
              .build();
      LookupEventsResponse response = call(LOOKUP_EVENTS, () -> cloudTrail.lookupEvents(request));
      pages++;
      if (response.hasEvents()) {
        for (Event e : response.events()) {
          events.add(
              new TrailEvent(
                  e.eventId(), e.eventName(), e.eventSource(), e.eventTime(), e.cloudTrailEvent()));
        }
      }
      String next = response.nextToken();
      if (next != null && next.equals(token)) {
        throw AwsErrorClassifier.pagingLimitExceeded(
            LOOKUP_EVENTS, cap, "LookupEvents returned the NextToken it was given");
      }
      token = next == null || next.isEmpty() ? null : next;
    } while (token != null);
    return List.copyOf(events);
  }

  /**
   * ONE CloudTrail LookupEvents call (one page) for {@code eventName} from {@code start}, with an
   * optional {@code end} (null: no EndTime, so the service's own "now" bounds the range and the
   * caller's clock does not matter). Pass the previous page's {@link TrailPage#nextToken()} with
   * the same other parameters to get the next page. No pacing here: the caller rate-limits (see the
   * verification index).
   *
   * @throws MarketplaceCallException when the call fails (throttling is {@code RETRYABLE} and
   *     {@code throttled()})
   */
  public TrailPage lookupEventsPage(
      String eventName, Instant start, Instant end, int maxResults, String nextToken) {
    Objects.requireNonNull(eventName, "eventName");
    Objects.requireNonNull(start, "start");
    if (maxResults < 1 || maxResults > MAX_TRAIL_PAGE_SIZE) {
      throw new IllegalArgumentException(
          "LookupEvents MaxResults must be 1.." + MAX_TRAIL_PAGE_SIZE);
    }
    LookupAttribute attribute =
        LookupAttribute.builder()
            .attributeKey(LookupAttributeKey.EVENT_NAME)
            .attributeValue(eventName)
            .build();
    LookupEventsRequest request =
        LookupEventsRequest.builder()
            .lookupAttributes(attribute)
            .startTime(start)
            .endTime(end)
            .maxResults(maxResults)
            .nextToken(nextToken)
            .build();
    LookupEventsResponse response = call(LOOKUP_EVENTS, () -> cloudTrail.lookupEvents(request));
    List<TrailEvent> events = new ArrayList<>();
    if (response.hasEvents()) {
      for (Event e : response.events()) {
        events.add(
            new TrailEvent(
                e.eventId(), e.eventName(), e.eventSource(), e.eventTime(), e.cloudTrailEvent()));
      }
    }
    String next = response.nextToken();
    return new TrailPage(events, next == null || next.isEmpty() ? null : next);
  }

  // ---------------------------------------------------------------- plumbing

  private <T> T call(String operation, Supplier<T> invocation) {
    long started = System.nanoTime();
    try {
      T result = invocation.get();
      record(operation, "success", "none", started);
      return result;
    } catch (SdkException e) {
      MarketplaceCallException classified = AwsErrorClassifier.classify(operation, e);
      record(
          operation,
          classified.kind().name().toLowerCase(Locale.ROOT),
          classified.errorType(),
          started);
      log.debug("{} failed: {} ({})", operation, classified.errorType(), classified.kind());
      throw classified;
    }
  }

  private void record(String operation, String outcome, String error, long startedNanos) {
    registry
        .counter("hourmeter.aws.calls", "operation", operation, "outcome", outcome, "error", error)
        .increment();
    Timer.builder("hourmeter.aws.call.duration")
        .tags("operation", operation, "outcome", outcome)
        .register(registry)
        .record(Duration.ofNanos(System.nanoTime() - startedNanos));
  }

  private static void pause(Duration duration) {
    if (duration.isZero() || duration.isNegative()) {
      return;
    }
    try {
      Thread.sleep(duration.toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while pacing CloudTrail LookupEvents", e);
    }
  }

  private static String describe(URI endpoint) {
    return endpoint == null ? "AWS default" : endpoint.toString();
  }

  // Package-private knobs for tests.

  MarketplaceGateway entitlementPageSize(int size) {
    if (size < 1 || size > MAX_ENTITLEMENT_PAGE_SIZE) {
      throw new IllegalArgumentException(
          "entitlement page size must be 1.." + MAX_ENTITLEMENT_PAGE_SIZE);
    }
    this.entitlementPageSize = size;
    return this;
  }

  MarketplaceGateway maxPages(int pages) {
    if (pages < 1) {
      throw new IllegalArgumentException("max pages must be positive");
    }
    this.maxPages = pages;
    return this;
  }

  MarketplaceGateway trailPageInterval(Duration interval) {
    this.trailPageInterval = Objects.requireNonNull(interval);
    return this;
  }

  @Override
  public void close() {
    closeQuietly(metering);
    closeQuietly(entitlement);
    closeQuietly(cloudTrail);
    closeQuietly(httpClient);
    if (credentials instanceof AutoCloseable closeable) {
      closeQuietly(closeable);
    }
  }

  private static void closeQuietly(AutoCloseable closeable) {
    try {
      closeable.close();
    } catch (Exception e) {
      log.debug("closing {} failed", closeable, e);
    }
  }
}
