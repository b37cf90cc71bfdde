package dev.hourmeter.activities.aws;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Metrics;
import java.net.URI;
import java.util.Objects;

/**
 * The worker's connection to AWS: holds one service class per AWS service ({@link MeteringService},
 * {@link EntitlementService}, {@link CloudTrailService}, {@link RegistrationService}), all calling
 * through one {@link AwsCall} (metrics, and failures classified once by {@link AwsErrorClassifier}
 * into {@link MarketplaceCallException}), over SDK clients built from {@link AwsSettings} with SDK
 * retries off (Temporal owns retries).
 *
 * <p>Thread-safe: one instance serves all activity threads of a worker. Close it when the worker
 * stops: it closes the SDK clients.
 */
public final class MarketplaceGateway implements AutoCloseable {

  private final AwsSettings settings;
  private final AwsClients clients;
  private final MeteringService metering;
  private final EntitlementService entitlements;
  private final CloudTrailService cloudTrail;
  private final RegistrationService registration;
  private final AgreementService agreements;
  private final AwsCall aws;

  /** Uses {@link Metrics#globalRegistry} (a no-op until the application adds a registry to it). */
  public MarketplaceGateway(AwsSettings settings) {
    this(settings, Metrics.globalRegistry);
  }

  public MarketplaceGateway(AwsSettings settings, MeterRegistry registry) {
    this.settings = Objects.requireNonNull(settings, "settings");
    this.clients = new AwsClients(settings);
    AwsCall aws = new AwsCall(registry == null ? Metrics.globalRegistry : registry);
    this.aws = aws;
    this.metering = new MeteringService(clients.metering, aws);
    this.entitlements = new EntitlementService(clients.entitlement, aws);
    this.cloudTrail = new CloudTrailService(clients.cloudTrail, aws);
    this.registration = new RegistrationService(clients.metering, aws);
    this.agreements = new AgreementService(clients.agreement, aws);
  }

  /** A gateway for the local simulator at {@code endpoint} (dummy credentials, us-east-1). */
  public static MarketplaceGateway forSimulator(URI endpoint, MeterRegistry registry) {
    return new MarketplaceGateway(AwsSettings.forSimulator(endpoint), registry);
  }

  /**
   * Runs {@code listener} whenever AWS throttles a call of {@code operation} ({@link
   * MeteringService#BATCH_METER_USAGE}, {@link CloudTrailService#LOOKUP_EVENTS}, ...): how a rate
   * limit learns that it must slow down.
   */
  public void onThrottled(String operation, Runnable listener) {
    aws.onThrottled(operation, listener);
  }

  public AwsSettings settings() {
    return settings;
  }

  /** BatchMeterUsage. */
  public MeteringService metering() {
    return metering;
  }

  /** GetEntitlements. */
  public EntitlementService entitlements() {
    return entitlements;
  }

  /** CloudTrail LookupEvents. */
  public CloudTrailService cloudTrail() {
    return cloudTrail;
  }

  /** DescribeAgreement (why an agreement ended). */
  public AgreementService agreements() {
    return agreements;
  }

  /** ResolveCustomer (the registration token of a buyer). */
  public RegistrationService registration() {
    return registration;
  }

  @Override
  public void close() {
    clients.close();
  }
}
