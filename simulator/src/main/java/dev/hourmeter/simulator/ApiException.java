package dev.hourmeter.simulator;

/**
 * An AWS-style error: rendered as {@code {"__type": type, "message": ...}} with the given HTTP
 * status.
 */
final class ApiException extends RuntimeException {

  private final String type;
  private final int status;

  ApiException(String type, int status, String message) {
    super(message, null, false, false);
    this.type = type;
    this.status = status;
  }

  static ApiException badRequest(String type, String message) {
    return new ApiException(type, 400, message);
  }

  static ApiException throttling(String message) {
    return new ApiException("ThrottlingException", 400, message);
  }

  static ApiException serverError(ApiOperation operation, String message) {
    return new ApiException(operation.serverErrorType(), 500, message);
  }

  String type() {
    return type;
  }

  int status() {
    return status;
  }
}
