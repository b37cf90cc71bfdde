package dev.hourmeter.simulator;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Clock;
import java.time.Instant;
import java.util.EnumMap;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The AWS JSON endpoint (1.1, and 1.0 for marketplace-agreement): any POST, routed by {@code
 * X-Amz-Target}. Applies injected latency, the per-operation request quotas and injected
 * throttling/5xx before the operation runs, then logs the request.
 */
final class AwsApiHandler implements HttpHandler {

  private static final Logger LOG = LoggerFactory.getLogger(AwsApiHandler.class);

  private record Response(int status, JsonNode body, String errorType) {}

  private final SimulatorState state;
  private final Clock wallClock;
  private final Map<ApiOperation, OperationHandler> handlers = new EnumMap<>(ApiOperation.class);

  AwsApiHandler(SimulatorState state, Clock wallClock) {
    this.state = state;
    this.wallClock = wallClock;
    CloudTrailEventFactory events = new CloudTrailEventFactory(state.config, state.cloudTrail);
    handlers.put(ApiOperation.BATCH_METER_USAGE, new BatchMeterUsageOperation(state, events));
    handlers.put(ApiOperation.GET_ENTITLEMENTS, new GetEntitlementsOperation(state));
    handlers.put(ApiOperation.LOOKUP_EVENTS, new LookupEventsOperation(state));
    handlers.put(ApiOperation.RESOLVE_CUSTOMER, new ResolveCustomerOperation(state));
    handlers.put(ApiOperation.DESCRIBE_AGREEMENT, new DescribeAgreementOperation(state));
  }

  /** BatchMeterUsage requests must stay below 1 MB. */
  static final int MAX_METERING_REQUEST_BYTES = 1_000_000;

  @Override
  public void handle(HttpExchange exchange) throws IOException {
    Instant receivedAt = wallClock.instant();
    try {
      byte[] body = exchange.getRequestBody().readAllBytes();
      String target = exchange.getRequestHeaders().getFirst("X-Amz-Target");
      Optional<ApiOperation> operation = ApiOperation.fromTarget(target);
      String requestId = UUID.randomUUID().toString();
      InetSocketAddress remote = exchange.getRemoteAddress();
      CallContext context =
          CallContext.of(
              requestId,
              remote == null ? "127.0.0.1" : remote.getAddress().getHostAddress(),
              exchange.getRequestHeaders().getFirst("User-Agent"),
              exchange.getRequestHeaders().getFirst("Authorization"),
              state.config.region(),
              receivedAt);

      JsonNode parsed = null;
      Response response;
      try {
        if (!"POST".equalsIgnoreCase(exchange.getRequestMethod())) {
          throw new ApiException(
              "UnknownOperationException", 405, "Only POST is supported by the AWS JSON endpoint.");
        }
        refuseCbor(exchange);
        ApiOperation op =
            operation.orElseThrow(
                () ->
                    ApiException.badRequest(
                        "UnknownOperationException",
                        "Unknown operation (X-Amz-Target: " + target + ")."));
        if (op == ApiOperation.BATCH_METER_USAGE && body.length >= MAX_METERING_REQUEST_BYTES) {
          // AWS: "the request must be smaller than 1 MB" (allocations count toward it).
          throw ApiException.badRequest(
              op.validationErrorType(),
              "Request of "
                  + body.length
                  + " bytes: a BatchMeterUsage request must be smaller than 1 MB.");
        }
        parsed = parse(op, body);
        response = new Response(200, invoke(op, parsed, context), null);
      } catch (ApiException e) {
        ObjectNode error = AwsJson.error(e.type(), e.getMessage());
        e.fields().forEach(error::put);
        response = new Response(e.status(), error, e.type());
      } catch (RuntimeException e) {
        LOG.error("Simulator failure handling {}", target, e);
        String type = operation.map(ApiOperation::serverErrorType).orElse("InternalFailure");
        response = new Response(500, AwsJson.error(type, "Simulator failure: " + e), type);
      }
      // Logged before the answer is written: a client holding the answer finds its request in the
      // log.
      String opName =
          operation.map(ApiOperation::operationName).orElse(target == null ? "Unknown" : target);
      Integer records =
          operation.orElse(null) == ApiOperation.BATCH_METER_USAGE ? recordCount(parsed) : null;
      state.requests.add(
          new RequestLogEntry(
              opName, receivedAt, response.status(), response.errorType(), records, body.length));
      write(
          exchange,
          requestId,
          operation.map(ApiOperation::contentType).orElse(AwsJson.CONTENT_TYPE),
          response);
      LOG.debug(
          "{} -> {} {}",
          opName,
          response.status(),
          response.errorType() == null ? "" : response.errorType());
    } finally {
      exchange.close();
    }
  }

  /**
   * Newer models (entitlement, agreement) list Smithy RPC v2 CBOR before JSON: a client that chose
   * it is told plainly that the simulator speaks AWS JSON only (HTTP 415, a JSON body).
   */
  private static void refuseCbor(HttpExchange exchange) {
    String protocol = exchange.getRequestHeaders().getFirst("smithy-protocol");
    String contentType = exchange.getRequestHeaders().getFirst("Content-Type");
    if ("rpc-v2-cbor".equalsIgnoreCase(protocol)
        || (contentType != null
            && contentType.toLowerCase(java.util.Locale.ROOT).startsWith("application/cbor"))) {
      throw new ApiException(
          "UnsupportedProtocolException",
          415,
          "The simulator speaks AWS JSON 1.0/1.1 (X-Amz-Target), not Smithy RPC v2 CBOR ("
              + exchange.getRequestURI().getPath()
              + "): configure the client for the json protocol.");
    }
  }

  private ObjectNode invoke(ApiOperation op, JsonNode request, CallContext context) {
    // An ended agreement's final event and refusal take effect by the simulator's clock.
    state.agreements.deliverDue();
    long latency = state.faults.latencyMillis(op);
    if (latency > 0) {
      sleep(op, latency);
    }
    SlidingWindowRateLimiter limiter =
        switch (op) {
          case BATCH_METER_USAGE -> state.meteringLimiter;
          case LOOKUP_EVENTS -> state.lookupLimiter;
          case GET_ENTITLEMENTS, RESOLVE_CUSTOMER, DESCRIBE_AGREEMENT -> null;
        };
    if (limiter != null && !limiter.tryAcquire()) {
      throw ApiException.throttling("Rate exceeded");
    }
    if (state.faults.throttle(op)) {
      throw ApiException.throttling("Rate exceeded (injected fault)");
    }
    if (state.faults.serverError(op)) {
      throw ApiException.serverError(op, "Internal service error (injected fault)");
    }
    return handlers.get(op).handle(request, context);
  }

  private static JsonNode parse(ApiOperation op, byte[] body) {
    try {
      JsonNode node = AwsJson.parse(body);
      if (node == null || node.isMissingNode()) {
        throw ApiException.badRequest(op.validationErrorType(), "Request body is empty.");
      }
      return node;
    } catch (JsonProcessingException e) {
      throw ApiException.badRequest(
          op.validationErrorType(), "Malformed JSON request body: " + e.getOriginalMessage());
    } catch (IOException e) {
      throw ApiException.badRequest(
          op.validationErrorType(), "Unreadable request body: " + e.getMessage());
    }
  }

  /** Number of usage records in a BatchMeterUsage request; 0 when the body was not usable. */
  private static int recordCount(JsonNode request) {
    JsonNode records = request == null ? null : request.path("UsageRecords");
    return records != null && records.isArray() ? records.size() : 0;
  }

  private static void write(
      HttpExchange exchange, String requestId, String contentType, Response response)
      throws IOException {
    byte[] bytes = AwsJson.bytes(response.body());
    exchange.getResponseHeaders().set("Content-Type", contentType);
    exchange.getResponseHeaders().set("x-amzn-RequestId", requestId);
    if (response.errorType() != null) {
      exchange.getResponseHeaders().set("x-amzn-ErrorType", response.errorType());
    }
    exchange.sendResponseHeaders(response.status(), bytes.length);
    exchange.getResponseBody().write(bytes);
  }

  private static void sleep(ApiOperation op, long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw ApiException.serverError(op, "Interrupted while injecting latency");
    }
  }
}
