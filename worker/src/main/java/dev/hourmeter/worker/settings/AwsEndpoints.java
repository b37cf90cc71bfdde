package dev.hourmeter.worker.settings;

import java.net.URI;
import java.util.Objects;

/**
 * Where the worker's AWS calls go: a region, optional endpoint overrides (null = AWS's endpoint for
 * the region) and the rate of CloudTrail LookupEvents calls of receipt verification. {@code
 * simulator}: the local AWS Marketplace simulator, reached with dummy credentials; otherwise the
 * AWS SDK's default credentials chain.
 */
public record AwsEndpoints(
    String region,
    URI meteringEndpoint,
    URI entitlementEndpoint,
    URI cloudTrailEndpoint,
    double cloudTrailTps,
    boolean simulator) {

  public static final String DEFAULT_REGION = "us-east-1";
  public static final double DEFAULT_CLOUDTRAIL_TPS = 2.0;

  public AwsEndpoints {
    Objects.requireNonNull(region, "region");
    if (!(cloudTrailTps > 0)) {
      throw new IllegalArgumentException("cloudTrailTps must be > 0: " + cloudTrailTps);
    }
  }

  /** Every service at the simulator's {@code endpoint}, us-east-1, default CloudTrail rate. */
  public static AwsEndpoints forSimulator(URI endpoint) {
    Objects.requireNonNull(endpoint, "endpoint");
    return new AwsEndpoints(
        DEFAULT_REGION, endpoint, endpoint, endpoint, DEFAULT_CLOUDTRAIL_TPS, true);
  }

  @Override
  public String toString() {
    return "awsRegion="
        + region
        + (simulator ? " simulator=" + meteringEndpoint : "")
        + (!simulator && meteringEndpoint != null ? " meteringEndpoint=" + meteringEndpoint : "")
        + (!simulator && entitlementEndpoint != null
            ? " entitlementEndpoint=" + entitlementEndpoint
            : "")
        + (!simulator && cloudTrailEndpoint != null
            ? " cloudTrailEndpoint=" + cloudTrailEndpoint
            : "")
        + " cloudTrailTps="
        + cloudTrailTps;
  }
}
