package dev.hourmeter.simulator;

import java.util.Optional;

/**
 * The AWS operations the simulator speaks, keyed by their {@code X-Amz-Target}: AWS JSON 1.1
 * (metering, entitlement, CloudTrail) or AWS JSON 1.0 (marketplace-agreement).
 */
public enum ApiOperation {
  BATCH_METER_USAGE(
      "AWSMPMeteringService.BatchMeterUsage",
      "BatchMeterUsage",
      "ValidationException",
      "InternalServiceErrorException",
      "1.1"),
  GET_ENTITLEMENTS(
      "AWSMPEntitlementService.GetEntitlements",
      "GetEntitlements",
      "InvalidParameterException",
      "InternalServiceErrorException",
      "1.1"),
  LOOKUP_EVENTS(
      "com.amazonaws.cloudtrail.v20131101.CloudTrail_20131101.LookupEvents",
      "LookupEvents",
      "InvalidParameterException",
      "InternalFailure",
      "1.1"),
  RESOLVE_CUSTOMER(
      "AWSMPMeteringService.ResolveCustomer",
      "ResolveCustomer",
      "ValidationException",
      "InternalServiceErrorException",
      "1.1"),
  /** marketplace-agreement's DescribeAgreement (the Java SDK's {@code marketplaceagreement}). */
  DESCRIBE_AGREEMENT(
      "AWSMPCommerceService_v20200301.DescribeAgreement",
      "DescribeAgreement",
      "ValidationException",
      "InternalServerException",
      "1.0");

  private final String target;
  private final String operationName;
  private final String validationErrorType;
  private final String serverErrorType;
  private final String jsonVersion;

  ApiOperation(
      String target,
      String operationName,
      String validationErrorType,
      String serverErrorType,
      String jsonVersion) {
    this.target = target;
    this.operationName = operationName;
    this.validationErrorType = validationErrorType;
    this.serverErrorType = serverErrorType;
    this.jsonVersion = jsonVersion;
  }

  /** The Content-Type of the operation's protocol: {@code application/x-amz-json-1.0|1.1}. */
  public String contentType() {
    return "application/x-amz-json-" + jsonVersion;
  }

  public String target() {
    return target;
  }

  public String operationName() {
    return operationName;
  }

  /** {@code __type} used for malformed requests and missing or out-of-range fields. */
  public String validationErrorType() {
    return validationErrorType;
  }

  /**
   * {@code __type} of an injected HTTP 500 (CloudTrail's model has no
   * InternalServiceErrorException).
   */
  public String serverErrorType() {
    return serverErrorType;
  }

  public static Optional<ApiOperation> fromTarget(String target) {
    for (ApiOperation op : values()) {
      if (op.target.equals(target)) {
        return Optional.of(op);
      }
    }
    return Optional.empty();
  }

  public static Optional<ApiOperation> fromName(String name) {
    for (ApiOperation op : values()) {
      if (op.operationName.equals(name)) {
        return Optional.of(op);
      }
    }
    return Optional.empty();
  }
}
