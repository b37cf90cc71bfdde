package dev.hourmeter.activities.aws;

import java.net.URI;
import java.time.Duration;
import java.util.Objects;

/**
 * Where and how {@link MarketplaceGateway} talks to AWS. A {@code null} endpoint means the AWS
 * default for the region. GetEntitlements exists only in us-east-1, so without an endpoint override
 * the entitlement client always uses us-east-1 whatever {@code region} says.
 *
 * <p>Holds no secret: credentials come either from the SDK default chain (environment, profile,
 * container or instance role) or, for the local simulator, from fixed dummy values.
 */
public record AwsSettings(
    String region,
    URI meteringEndpoint,
    URI entitlementEndpoint,
    URI cloudTrailEndpoint,
    Credentials credentials,
    Duration connectTimeout,
    Duration readTimeout) {

  public static final String DEFAULT_REGION = "us-east-1";

  public static final Duration DEFAULT_CONNECT_TIMEOUT = Duration.ofSeconds(5);
  public static final Duration DEFAULT_READ_TIMEOUT = Duration.ofSeconds(20);

  /** Where credentials come from. */
  public enum Credentials {
    /** The AWS SDK default credentials provider chain. */
    DEFAULT_CHAIN,
    /** Fixed dummy access keys: only for the local simulator, which does not check signatures. */
    SIMULATOR_DUMMY
  }

  public AwsSettings {
    region = region == null || region.isBlank() ? DEFAULT_REGION : region.trim();
    credentials = credentials == null ? Credentials.DEFAULT_CHAIN : credentials;
    connectTimeout = positiveOr(connectTimeout, DEFAULT_CONNECT_TIMEOUT, "connectTimeout");
    readTimeout = positiveOr(readTimeout, DEFAULT_READ_TIMEOUT, "readTimeout");
  }

  /** Real AWS in {@code region}, default credentials chain, default endpoints and timeouts. */
  public static AwsSettings forRegion(String region) {
    return new AwsSettings(region, null, null, null, Credentials.DEFAULT_CHAIN, null, null);
  }

  /** Every service at the simulator's endpoint, us-east-1, dummy credentials. */
  public static AwsSettings forSimulator(URI endpoint) {
    Objects.requireNonNull(endpoint, "endpoint");
    URI checked = checkEndpoint(endpoint, "simulator endpoint");
    return new AwsSettings(
        DEFAULT_REGION, checked, checked, checked, Credentials.SIMULATOR_DUMMY, null, null);
  }

  public AwsSettings withTimeouts(Duration connect, Duration read) {
    return new AwsSettings(
        region,
        meteringEndpoint,
        entitlementEndpoint,
        cloudTrailEndpoint,
        credentials,
        connect,
        read);
  }

  /** The region the entitlement client signs for: us-east-1 unless its endpoint is overridden. */
  public String entitlementRegion() {
    return entitlementEndpoint == null ? DEFAULT_REGION : region;
  }

  private static URI checkEndpoint(URI uri, String what) {
    String scheme = uri.getScheme();
    if (!uri.isAbsolute()
        || uri.getHost() == null
        || !("http".equalsIgnoreCase(scheme) || "https".equalsIgnoreCase(scheme))) {
      throw new IllegalArgumentException(
          what + " must be an absolute http:// or https:// URI with a host, got '" + uri + "'");
    }
    return uri;
  }

  private static Duration positiveOr(Duration value, Duration fallback, String what) {
    if (value == null) {
      return fallback;
    }
    if (value.isNegative() || value.isZero()) {
      throw new IllegalArgumentException(what + " must be positive, got " + value);
    }
    return value;
  }
}
