package dev.hourmeter.activities.aws;

import io.temporal.failure.ApplicationFailure;

/**
 * An AWS Marketplace or CloudTrail call failed. Built only by {@link AwsErrorClassifier}: callers
 * decide what to do from {@link #kind()} and never look at SDK exceptions themselves.
 */
public final class MarketplaceCallException extends RuntimeException {

  private static final long serialVersionUID = 1L;

  /** How the caller should react. */
  public enum Kind {
    /**
     * Transient (throttling, 5xx, I/O, timeouts, credentials not available or not yet valid): retry
     * later.
     */
    RETRYABLE,
    /**
     * The request itself is wrong (Invalid*, DisabledApi, other 4xx): sending it again as-is fails
     * again.
     */
    NON_RETRYABLE,
    /**
     * TimestampOutOfBoundsException: at least one record's timestamp is outside the accepted
     * window.
     */
    TIMESTAMP_OUT_OF_BOUNDS
  }

  private final String operation;
  private final Kind kind;
  private final String errorType;
  private final int statusCode;
  private final boolean throttled;
  private final boolean requestWide;
  private final boolean licenseWide;
  private final String awsMessage;

  MarketplaceCallException(
      String operation,
      Kind kind,
      String errorType,
      int statusCode,
      boolean throttled,
      boolean requestWide,
      String message,
      Throwable cause) {
    this(operation, kind, errorType, statusCode, throttled, requestWide, false, message, cause);
  }

  MarketplaceCallException(
      String operation,
      Kind kind,
      String errorType,
      int statusCode,
      boolean throttled,
      boolean requestWide,
      boolean licenseWide,
      String message,
      Throwable cause) {
    super(
        operation
            + " failed: "
            + errorType
            + (message == null || message.isBlank() ? "" : ": " + message),
        cause);
    this.operation = operation;
    this.kind = kind;
    this.errorType = errorType;
    this.statusCode = statusCode;
    this.throttled = throttled;
    this.requestWide = requestWide;
    this.licenseWide = licenseWide;
    this.awsMessage = message == null ? "" : message;
  }

  /** The API operation, e.g. {@code BatchMeterUsage}. */
  public String operation() {
    return operation;
  }

  public Kind kind() {
    return kind;
  }

  /**
   * The AWS error type ({@code awsErrorDetails().errorCode()}, e.g. {@code ThrottlingException}),
   * or for a client-side failure the SDK exception's simple class name (e.g. {@code
   * ApiCallAttemptTimeoutException}).
   */
  public String errorType() {
    return errorType;
  }

  /** The HTTP status, or 0 when no response was received. */
  public int statusCode() {
    return statusCode;
  }

  /** AWS asked us to slow down. */
  public boolean throttled() {
    return throttled;
  }

  /**
   * The error concerns the whole request, not particular records (e.g. InvalidProductCode,
   * DisabledApi): no subset of the records would succeed, so isolating records is pointless.
   */
  public boolean requestWide() {
    return requestWide;
  }

  /**
   * The error concerns the license of the records (InvalidLicense: not valid, not the customer's,
   * or usage outside its activation period) and fails the whole request: records of another
   * license, or of another hour, may still succeed, but no subset of one license's records of one
   * hour would.
   */
  public boolean licenseWide() {
    return licenseWide;
  }

  public boolean retryable() {
    return kind == Kind.RETRYABLE;
  }

  /** The AWS message without the operation prefix. */
  public String awsMessage() {
    return awsMessage;
  }

  /**
   * This failure as an activity failure typed with {@link #errorType()}: retryable exactly when
   * {@link #retryable()} (the classification made once by {@link AwsErrorClassifier}).
   */
  public ApplicationFailure toActivityFailure() {
    return retryable()
        ? ApplicationFailure.newFailure(getMessage(), errorType)
        : ApplicationFailure.newNonRetryableFailure(getMessage(), errorType);
  }

  /** {@code errorType: message}, what a record's result detail carries. */
  public String detail() {
    return awsMessage.isBlank() ? errorType : errorType + ": " + awsMessage;
  }
}
