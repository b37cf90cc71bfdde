package dev.hourmeter.simulator;

import java.util.Optional;

/** The AWS operations the simulator speaks, keyed by their {@code X-Amz-Target}. */
public enum ApiOperation {
  BATCH_METER_USAGE(
      "AWSMPMeteringService.BatchMeterUsage",
      "BatchMeterUsage",
      "ValidationException",
      "InternalServiceErrorException"),
  GET_ENTITLEMENTS(
      "AWSMPEntitlementService.GetEntitlements",
      "GetEntitlements",
      "InvalidParameterException",
      "InternalServiceErrorException"),
  LOOKUP_EVENTS(
      "com.amazonaws.cloudtrail.v20131101.CloudTrail_20131101.LookupEvents",
      "LookupEvents",
      "InvalidParameterException",
      "InternalFailure"),
  RESOLVE_CUSTOMER(
      "AWSMPMeteringService.ResolveCustomer",
      "ResolveCustomer",
      "ValidationException",
      "InternalServiceErrorException");

  private final String target;
  private final String operationName;
  private final String validationErrorType;
  private final String serverErrorType;

  ApiOperation(
      String target, String operationName, String validationErrorType, String serverErrorType) {
    this.target = target;
    this.operationName = operationName;
    this.validationErrorType = validationErrorType;
    this.serverErrorType = serverErrorType;
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
