package dev.hourmeter.activities.aws;

import dev.hourmeter.activities.aws.MarketplaceCallException.Kind;
import java.util.Set;
import software.amazon.awssdk.awscore.exception.AwsErrorDetails;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.core.exception.SdkException;

/**
 * The one place that looks inside AWS SDK exceptions. Every SDK failure goes through {@link
 * AwsCall}, which applies {@link #classify} exactly once; it comes out as a {@link
 * MarketplaceCallException}.
 *
 * <p>Rules (AWS Marketplace Metering / Entitlement API references):
 *
 * <ul>
 *   <li>{@code ThrottlingException} (any status) and HTTP 429: RETRYABLE, throttled.
 *   <li>{@code InternalServiceErrorException}, any 5xx: RETRYABLE.
 *   <li>Client-side failures ({@code SdkClientException}: I/O, connect/read timeouts, API call
 *       timeouts, credentials that cannot be loaded): RETRYABLE.
 *   <li>Authentication and authorization errors (expired or unrecognized credentials, access
 *       denied): RETRYABLE, deliberately. They are operator problems that get fixed (a role
 *       attached, a token refreshed); making them final would drop a whole period of billing as
 *       invalid.
 *   <li>ResolveCustomer's {@code InvalidTokenException} and {@code ExpiredTokenException} (the
 *       buyer's registration token, not our credentials): NON_RETRYABLE.
 *   <li>{@code TimestampOutOfBoundsException}: TIMESTAMP_OUT_OF_BOUNDS.
 *   <li>Invalid* ({@code InvalidProductCode}, {@code InvalidCustomerIdentifier}, {@code
 *       InvalidUsageDimension}, {@code InvalidTag}, {@code InvalidUsageAllocations}, {@code
 *       InvalidLicense}), {@code DisabledApi}, {@code InvalidParameter}, and any other 4xx:
 *       NON_RETRYABLE. {@code InvalidLicense} is {@linkplain MarketplaceCallException#licenseWide()
 *       license-wide}: it fails the whole request, but only its license's records are bad.
 * </ul>
 */
public final class AwsErrorClassifier {

  private static final Set<String> THROTTLING =
      Set.of(
          "ThrottlingException",
          "Throttling",
          "ThrottledException",
          "TooManyRequestsException",
          "RequestLimitExceeded",
          "RequestThrottled",
          "RequestThrottledException",
          "SlowDown",
          "ProvisionedThroughputExceededException");

  private static final Set<String> SERVER_SIDE =
      Set.of(
          "InternalServiceErrorException",
          "InternalFailure",
          "InternalError",
          "ServiceUnavailable",
          "ServiceUnavailableException");

  private static final Set<String> AUTH =
      Set.of(
          "ExpiredToken",
          "ExpiredTokenException",
          "RequestExpired",
          "UnrecognizedClientException",
          "InvalidClientTokenId",
          "InvalidSignatureException",
          "SignatureDoesNotMatch",
          "IncompleteSignature",
          "MissingAuthenticationToken",
          "MissingAuthenticationTokenException",
          "AccessDenied",
          "AccessDeniedException",
          "AuthFailure",
          "NotAuthorized");

  /** Errors about the request as a whole: no subset of its records would fare better. */
  private static final Set<String> REQUEST_WIDE =
      Set.of(
          "InvalidProductCodeException",
          "DisabledApiException",
          "InvalidEndpointRegionException",
          "InvalidRegionException",
          "PlatformNotSupportedException");

  /**
   * ResolveCustomer's answers about the buyer's registration token (not about our credentials,
   * whatever the name): asking again gives the same answer.
   */
  private static final Set<String> REGISTRATION_TOKEN =
      Set.of("InvalidTokenException", "ExpiredTokenException");

  private static final String TIMESTAMP_OUT_OF_BOUNDS = "TimestampOutOfBoundsException";

  /** Concurrent Agreements: the LicenseArn is not valid for the customer or the hour. */
  private static final String INVALID_LICENSE = "InvalidLicenseException";

  private AwsErrorClassifier() {}

  /** Classifies an SDK failure of {@code operation}. */
  public static MarketplaceCallException classify(String operation, SdkException failure) {
    if (failure instanceof AwsServiceException service) {
      return classifyService(operation, service);
    }
    String type = failure.getClass().getSimpleName();
    String message = failure.getMessage();
    if (failure instanceof SdkClientException) {
      return new MarketplaceCallException(
          operation, Kind.RETRYABLE, type, 0, false, true, message, failure);
    }
    // Any other SdkException (rare: e.g. an aborted or interrupted call) is treated as transient.
    return new MarketplaceCallException(
        operation, Kind.RETRYABLE, type, 0, false, true, message, failure);
  }

  /**
   * A paged operation did not finish within {@code maxPages} pages (or AWS handed back the token it
   * was given). NON_RETRYABLE: a runaway pagination is not cured by asking again at once.
   */
  public static MarketplaceCallException pagingLimitExceeded(
      String operation, int maxPages, String why) {
    return new MarketplaceCallException(
        operation,
        Kind.NON_RETRYABLE,
        "PagingLimitExceeded",
        0,
        false,
        true,
        why + " (page cap " + maxPages + ")",
        null);
  }

  private static MarketplaceCallException classifyService(String operation, AwsServiceException e) {
    AwsErrorDetails details = e.awsErrorDetails();
    String code = details == null ? null : details.errorCode();
    String message = details == null ? e.getMessage() : details.errorMessage();
    int status = e.statusCode();
    String type =
        code == null || code.isBlank()
            ? (status > 0 ? "HTTP " + status : e.getClass().getSimpleName())
            : code;

    if ((code != null && THROTTLING.contains(code)) || status == 429 || e.isThrottlingException()) {
      return new MarketplaceCallException(
          operation, Kind.RETRYABLE, type, status, true, true, message, e);
    }
    if ((code != null && SERVER_SIDE.contains(code)) || status >= 500) {
      return new MarketplaceCallException(
          operation, Kind.RETRYABLE, type, status, false, true, message, e);
    }
    if (RegistrationService.RESOLVE_CUSTOMER.equals(operation)
        && code != null
        && REGISTRATION_TOKEN.contains(code)) {
      return new MarketplaceCallException(
          operation, Kind.NON_RETRYABLE, type, status, false, true, message, e);
    }
    if (code != null && AUTH.contains(code) || status == 401 || status == 403) {
      return new MarketplaceCallException(
          operation, Kind.RETRYABLE, type, status, false, true, message, e);
    }
    if (TIMESTAMP_OUT_OF_BOUNDS.equals(code)) {
      return new MarketplaceCallException(
          operation, Kind.TIMESTAMP_OUT_OF_BOUNDS, type, status, false, false, message, e);
    }
    boolean requestWide = code != null && REQUEST_WIDE.contains(code);
    boolean licenseWide = INVALID_LICENSE.equals(code);
    return new MarketplaceCallException(
        operation, Kind.NON_RETRYABLE, type, status, false, requestWide, licenseWide, message, e);
  }
}
