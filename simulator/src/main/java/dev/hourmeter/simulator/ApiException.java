package dev.hourmeter.simulator;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * An AWS-style error: rendered as {@code {"__type": type, "message": ...}} (plus any {@link
 * #fields()} the operation's model gives the error) with the given HTTP status.
 */
final class ApiException extends RuntimeException {

  private final String type;
  private final int status;
  private final Map<String, String> fields;

  ApiException(String type, int status, String message) {
    this(type, status, message, Map.of());
  }

  ApiException(String type, int status, String message, Map<String, String> fields) {
    super(message, null, false, false);
    this.type = type;
    this.status = status;
    this.fields = new LinkedHashMap<>(fields);
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

  /** Modeled members of the error besides its message (e.g. {@code resourceId}). */
  Map<String, String> fields() {
    return java.util.Collections.unmodifiableMap(fields);
  }
}
