package dev.hourmeter.simulator;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.awscore.retry.AwsRetryStrategy;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.cloudtrail.CloudTrailClient;
import software.amazon.awssdk.services.marketplaceentitlement.MarketplaceEntitlementClient;
import software.amazon.awssdk.services.marketplacemetering.MarketplaceMeteringClient;
import software.amazon.awssdk.services.marketplacemetering.model.BatchMeterUsageResponse;
import software.amazon.awssdk.services.marketplacemetering.model.UsageRecord;

/**
 * Starts a simulator on an ephemeral port with a mutable clock, plus real AWS SDK v2 clients
 * without retries.
 */
abstract class SimulatorTestBase {

  static final String ACCESS_KEY = "AKIDSIMTEST00000001";

  /** 10:30 UTC: the current period (PT1H) started at 10:00. */
  static final Instant T0 = Instant.parse("2026-11-26T10:30:00Z");

  static final Instant HOUR = Instant.parse("2026-11-26T10:00:00Z");
  static final String PRODUCT = "prod-abc123";
  static final String ACCOUNT = "111122223333";

  protected MutableClock clock;
  protected MarketplaceSimulator sim;
  protected MarketplaceMeteringClient metering;
  protected MarketplaceEntitlementClient entitlement;
  protected CloudTrailClient cloudTrail;

  /**
   * Subclasses adjust the simulator; by default request quotas are off so tests can call freely.
   */
  protected MarketplaceSimulator.Builder configure(MarketplaceSimulator.Builder builder) {
    return builder.meteringTps(0).lookupTps(0);
  }

  @BeforeEach
  void startSimulator() {
    clock = new MutableClock(T0);
    sim = configure(MarketplaceSimulator.builder().clock(clock)).build().start();
    metering = meteringClient(sim);
    entitlement = entitlementClient(sim);
    cloudTrail = cloudTrailClient(sim);
  }

  @AfterEach
  void stopSimulator() {
    metering.close();
    entitlement.close();
    cloudTrail.close();
    sim.close();
  }

  static StaticCredentialsProvider credentials() {
    return StaticCredentialsProvider.create(AwsBasicCredentials.create(ACCESS_KEY, "dummy-secret"));
  }

  static MarketplaceMeteringClient meteringClient(MarketplaceSimulator sim) {
    return MarketplaceMeteringClient.builder()
        .endpointOverride(sim.endpoint())
        .region(Region.US_EAST_1)
        .credentialsProvider(credentials())
        .httpClientBuilder(UrlConnectionHttpClient.builder())
        .overrideConfiguration(c -> c.retryStrategy(AwsRetryStrategy.doNotRetry()))
        .build();
  }

  static MarketplaceEntitlementClient entitlementClient(MarketplaceSimulator sim) {
    return MarketplaceEntitlementClient.builder()
        .endpointOverride(sim.endpoint())
        .region(Region.US_EAST_1)
        .credentialsProvider(credentials())
        .httpClientBuilder(UrlConnectionHttpClient.builder())
        .overrideConfiguration(c -> c.retryStrategy(AwsRetryStrategy.doNotRetry()))
        .build();
  }

  static CloudTrailClient cloudTrailClient(MarketplaceSimulator sim) {
    return CloudTrailClient.builder()
        .endpointOverride(sim.endpoint())
        .region(Region.US_EAST_1)
        .credentialsProvider(credentials())
        .httpClientBuilder(UrlConnectionHttpClient.builder())
        .overrideConfiguration(c -> c.retryStrategy(AwsRetryStrategy.doNotRetry()))
        .build();
  }

  static UsageRecord accountRecord(
      String account, String dimension, Instant timestamp, int quantity) {
    return UsageRecord.builder()
        .customerAWSAccountId(account)
        .dimension(dimension)
        .timestamp(timestamp)
        .quantity(quantity)
        .build();
  }

  static UsageRecord identifierRecord(
      String customer, String dimension, Instant timestamp, int quantity) {
    return UsageRecord.builder()
        .customerIdentifier(customer)
        .dimension(dimension)
        .timestamp(timestamp)
        .quantity(quantity)
        .build();
  }

  BatchMeterUsageResponse meter(UsageRecord... records) {
    return meter(PRODUCT, records);
  }

  BatchMeterUsageResponse meter(String product, UsageRecord... records) {
    return metering.batchMeterUsage(
        b -> b.productCode(product).usageRecords(Arrays.asList(records)));
  }

  void subscribeAccount(String account, String... dimensions) {
    sim.subscribe(SubscriptionSpec.of(PRODUCT, CustomerId.awsAccount(account), dimensions));
  }

  static String account(int n) {
    return String.format("%012d", 100000000000L + n);
  }

  static List<UsageRecord> records(int count, Instant timestamp) {
    List<UsageRecord> records = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      records.add(accountRecord(account(i), "requests", timestamp, i));
    }
    return records;
  }
}
