package dev.hourmeter.activities.aws;

import java.net.URI;
import java.time.Duration;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.awscore.retry.AwsRetryStrategy;
import software.amazon.awssdk.core.client.config.ClientOverrideConfiguration;
import software.amazon.awssdk.http.SdkHttpClient;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.cloudtrail.CloudTrailClient;
import software.amazon.awssdk.services.cloudtrail.CloudTrailClientBuilder;
import software.amazon.awssdk.services.marketplaceagreement.MarketplaceAgreementClient;
import software.amazon.awssdk.services.marketplaceagreement.MarketplaceAgreementClientBuilder;
import software.amazon.awssdk.services.marketplaceentitlement.MarketplaceEntitlementClient;
import software.amazon.awssdk.services.marketplaceentitlement.MarketplaceEntitlementClientBuilder;
import software.amazon.awssdk.services.marketplacemetering.MarketplaceMeteringClient;
import software.amazon.awssdk.services.marketplacemetering.MarketplaceMeteringClientBuilder;

/**
 * The three AWS SDK clients built from {@link AwsSettings}, sharing one HTTP client and one
 * credentials provider. SDK-level retries are off (Temporal owns retries): exactly one attempt per
 * call. Closes them all.
 */
final class AwsClients implements AutoCloseable {

  static final String SIMULATOR_ACCESS_KEY = "AKIDHOURMETERSIMULATOR";
  static final String SIMULATOR_SECRET_KEY = "hourmeter-simulator-dummy-secret";

  private static final Logger log = LoggerFactory.getLogger(AwsClients.class);

  final SdkHttpClient httpClient;
  final AwsCredentialsProvider credentials;
  final MarketplaceMeteringClient metering;
  final MarketplaceEntitlementClient entitlement;
  final CloudTrailClient cloudTrail;
  final MarketplaceAgreementClient agreement;

  AwsClients(AwsSettings settings) {
    Objects.requireNonNull(settings, "settings");
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

    // Fields the served SDK model lacks (LicenseArn, QuantityAsDecimal) travel at the HTTP layer.
    ClientOverrideConfiguration marketplaceOverrides =
        overrides.toBuilder()
            .addExecutionInterceptor(new ConcurrentAgreementsInterceptor())
            .build();
    MarketplaceMeteringClientBuilder mb =
        MarketplaceMeteringClient.builder()
            .httpClient(httpClient)
            .credentialsProvider(credentials)
            .region(Region.of(settings.region()))
            .overrideConfiguration(marketplaceOverrides);
    if (settings.meteringEndpoint() != null) {
      mb.endpointOverride(settings.meteringEndpoint());
    }
    this.metering = mb.build();

    MarketplaceEntitlementClientBuilder eb =
        MarketplaceEntitlementClient.builder()
            .httpClient(httpClient)
            .credentialsProvider(credentials)
            .region(Region.of(settings.entitlementRegion()))
            .overrideConfiguration(marketplaceOverrides);
    if (settings.entitlementEndpoint() != null) {
      eb.endpointOverride(settings.entitlementEndpoint());
    }
    this.entitlement = eb.build();

    // DescribeAgreement: served with the entitlement service's region and endpoint override (the
    // simulator serves both; in AWS both live in us-east-1).
    MarketplaceAgreementClientBuilder ab =
        MarketplaceAgreementClient.builder()
            .httpClient(httpClient)
            .credentialsProvider(credentials)
            .region(Region.of(settings.entitlementRegion()))
            .overrideConfiguration(overrides);
    if (settings.entitlementEndpoint() != null) {
      ab.endpointOverride(settings.entitlementEndpoint());
    }
    this.agreement = ab.build();

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

  @Override
  public void close() {
    closeQuietly(metering);
    closeQuietly(entitlement);
    closeQuietly(cloudTrail);
    closeQuietly(agreement);
    closeQuietly(httpClient);
    if (credentials instanceof AutoCloseable closeable) {
      closeQuietly(closeable);
    }
  }

  private static String describe(URI endpoint) {
    return endpoint == null ? "AWS default" : endpoint.toString();
  }

  private static void closeQuietly(AutoCloseable closeable) {
    try {
      closeable.close();
    } catch (Exception e) {
      log.debug("closing {} failed", closeable, e);
    }
  }
}
