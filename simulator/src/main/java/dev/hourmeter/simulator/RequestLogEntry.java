package dev.hourmeter.simulator;

import java.time.Instant;

/**
 * One AWS API request the simulator received.
 *
 * @param operation BatchMeterUsage, GetEntitlements, LookupEvents, or the raw target for unknown
 *     ones
 * @param receivedAt real wall-clock time of receipt
 * @param status HTTP status returned
 * @param errorType AWS error type ({@code __type}) or null on success
 * @param records number of usage records in a BatchMeterUsage request, null for other operations
 * @param requestBytes the request body's length in bytes
 */
public record RequestLogEntry(
    String operation,
    Instant receivedAt,
    int status,
    String errorType,
    Integer records,
    int requestBytes) {

  public RequestLogEntry(
      String operation, Instant receivedAt, int status, String errorType, Integer records) {
    this(operation, receivedAt, status, errorType, records, 0);
  }
}
