package dev.hourmeter.worker.settings;

import dev.hourmeter.client.SettingResolver;
import picocli.CommandLine.Option;

/**
 * AWS flags of {@code worker} (a picocli mixin); {@link #resolve} applies variables and defaults.
 */
public final class AwsOptions {

  public static final String ENV_REGION = "AWS_REGION";
  public static final String ENV_METERING_ENDPOINT = "HOURMETER_METERING_ENDPOINT";
  public static final String ENV_ENTITLEMENT_ENDPOINT = "HOURMETER_ENTITLEMENT_ENDPOINT";
  public static final String ENV_CLOUDTRAIL_ENDPOINT = "HOURMETER_CLOUDTRAIL_ENDPOINT";
  public static final String ENV_CLOUDTRAIL_TPS = "HOURMETER_CLOUDTRAIL_TPS";

  @Option(
      names = "--aws-region",
      paramLabel = "REGION",
      description =
          "AWS region of MeterUsage and CloudTrail (env "
              + ENV_REGION
              + ", default "
              + AwsEndpoints.DEFAULT_REGION
              + "; GetEntitlements is always us-east-1 unless its endpoint is overridden).")
  String region;

  @Option(
      names = "--metering-endpoint",
      paramLabel = "URL",
      description =
          "Override the Marketplace Metering endpoint (env "
              + ENV_METERING_ENDPOINT
              + ", default AWS's for the region).")
  String meteringEndpoint;

  @Option(
      names = "--entitlement-endpoint",
      paramLabel = "URL",
      description =
          "Override the Marketplace Entitlement endpoint (env "
              + ENV_ENTITLEMENT_ENDPOINT
              + ", default AWS's).")
  String entitlementEndpoint;

  @Option(
      names = "--cloudtrail-endpoint",
      paramLabel = "URL",
      description =
          "Override the CloudTrail endpoint (env "
              + ENV_CLOUDTRAIL_ENDPOINT
              + ", default AWS's for the region).")
  String cloudTrailEndpoint;

  @Option(
      names = "--cloudtrail-tps",
      paramLabel = "N",
      description =
          "LookupEvents calls per second this worker may make for receipt verification (env "
              + ENV_CLOUDTRAIL_TPS
              + ", default 2, AWS's limit per account and region: with several workers give each "
              + "2 / number of workers).")
  String cloudTrailTps;

  /** The effective settings: these flags, then the environment, then defaults. */
  public AwsEndpoints resolve(SettingResolver settings) {
    return new AwsEndpoints(
        settings.string("--aws-region", ENV_REGION, region, AwsEndpoints.DEFAULT_REGION),
        settings.endpoint("--metering-endpoint", ENV_METERING_ENDPOINT, meteringEndpoint),
        settings.endpoint("--entitlement-endpoint", ENV_ENTITLEMENT_ENDPOINT, entitlementEndpoint),
        settings.endpoint("--cloudtrail-endpoint", ENV_CLOUDTRAIL_ENDPOINT, cloudTrailEndpoint),
        settings.positive(
            "--cloudtrail-tps",
            ENV_CLOUDTRAIL_TPS,
            cloudTrailTps,
            AwsEndpoints.DEFAULT_CLOUDTRAIL_TPS),
        false);
  }
}
