package dev.hourmeter.worker.ingest;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import dev.hourmeter.client.usage.EventOutcome;
import dev.hourmeter.client.usage.UsageEvent;
import dev.hourmeter.client.usage.UsageReporter;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code POST /v1/usage}: authenticates the caller (a bearer token, before the body is read), reads
 * the body within {@link #MAX_BODY_BYTES} and the read timeout, parses it ({@link IngestParser}),
 * checks that the token may report every product named, then hands the events to the {@link
 * UsageReporter} (one Temporal update per customer) while holding one of a bounded number of
 * permits, and answers each event's outcome. {@code GET /v1/openapi.json} serves the API's OpenAPI
 * description, {@code GET /health} a liveness check.
 *
 * <p>Status codes: 200 (every event answered, some perhaps refused), 400 (the body is not a batch),
 * 401 (no or unknown token), 403 (the token is limited to other products), 404, 405, 413 (body over
 * the limit), 415 (media type), 429 (all permits taken: Retry-After), 503 (Temporal could not be
 * reached for any event: Retry-After). Metrics: {@value #EVENTS_METRIC} (tags {@code outcome},
 * {@code reason}) and {@value #REQUEST_METRIC} (tag {@code status}).
 */
final class IngestHandler implements HttpHandler {

  /** The largest body accepted: 1 MiB. */
  static final int MAX_BODY_BYTES = 1024 * 1024;

  /** How much of a refused body is read and dropped so that its sender can read the refusal. */
  static final long DISCARD_LIMIT_BYTES = 16L * 1024 * 1024;

  static final String USAGE_PATH = "/v1/usage";
  static final String OPENAPI_PATH = "/v1/openapi.json";
  static final String EVENTS_METRIC = "hourmeter_ingest_events";
  static final String REQUEST_METRIC = "hourmeter_ingest_request";
  static final String RETRY_AFTER_BUSY_SECONDS = "1";
  static final String RETRY_AFTER_UNAVAILABLE_SECONDS = "5";

  private static final Logger log = LoggerFactory.getLogger(IngestHandler.class);
  private static final ObjectMapper JSON = new ObjectMapper();

  private final IngestTokenSource tokens;
  private final Function<List<UsageEvent>, List<EventOutcome>> reporter;
  private final Semaphore permits;
  private final long readTimeoutMillis;
  private final ScheduledExecutorService timer;
  private final MeterRegistry registry;
  private final byte[] openApi;

  private record Reply(int status, byte[] body, String retryAfter) {
    static Reply error(int status, String error, String message) {
      ObjectNode node = JSON.createObjectNode().put("error", error).put("message", message);
      return new Reply(status, bytes(node), null);
    }
  }

  IngestHandler(
      IngestSettings settings,
      Function<List<UsageEvent>, List<EventOutcome>> reporter,
      ScheduledExecutorService timer,
      MeterRegistry registry) {
    this.tokens = settings.tokens();
    this.reporter = reporter;
    this.permits = new Semaphore(settings.maxConcurrent());
    this.readTimeoutMillis = settings.readTimeout().toMillis();
    this.timer = timer;
    this.registry = registry;
    this.openApi = openApi();
  }

  @Override
  public void handle(HttpExchange exchange) throws IOException {
    Timer.Sample sample = Timer.start(registry);
    try (exchange) {
      Reply reply;
      try {
        reply = route(exchange);
      } catch (RuntimeException e) {
        log.error("ingest request failed unexpectedly", e);
        reply =
            Reply.error(500, "internal", "the request could not be handled: see the worker log");
      }
      // Recorded before the reply is sent, so that a caller holding the answer sees it counted.
      sample.stop(
          Timer.builder(REQUEST_METRIC)
              .description("HTTP ingest requests, by status")
              .tag("status", Integer.toString(reply.status()))
              .publishPercentileHistogram()
              .register(registry));
      try {
        send(exchange, reply);
      } catch (IOException e) {
        log.debug("ingest reply not delivered: {}", e.getMessage());
      }
    }
  }

  private Reply route(HttpExchange exchange) {
    String path = exchange.getRequestURI().getPath();
    String method = exchange.getRequestMethod().toUpperCase(Locale.ROOT);
    if (OPENAPI_PATH.equals(path) || "/health".equals(path)) {
      if (!"GET".equals(method) && !"HEAD".equals(method)) {
        return Reply.error(405, "method_not_allowed", "use GET");
      }
      if ("/health".equals(path)) {
        return new Reply(200, bytes(JSON.createObjectNode().put("status", "ok")), null);
      }
      return new Reply(200, openApi, null);
    }
    if (!USAGE_PATH.equals(path)) {
      return Reply.error(404, "not_found", "POST usage to " + USAGE_PATH);
    }
    if (!"POST".equals(method)) {
      return Reply.error(405, "method_not_allowed", "use POST");
    }
    return usage(exchange);
  }

  private Reply usage(HttpExchange exchange) {
    IngestTokens.Caller caller = tokens.current().identify(bearer(exchange));
    if (!caller.known()) {
      exchange.getResponseHeaders().set("WWW-Authenticate", "Bearer");
      log.warn("ingest request without a valid token from {}", exchange.getRemoteAddress());
      return Reply.error(401, "unauthorized", "send a valid token: Authorization: Bearer <token>");
    }
    String mediaType =
        IngestParser.mediaType(exchange.getRequestHeaders().getFirst("Content-Type"));
    if (!IngestParser.supports(mediaType)) {
      return Reply.error(
          415,
          "unsupported_media_type",
          "Content-Type must be "
              + IngestParser.JSON
              + ", "
              + IngestParser.CLOUDEVENTS_BATCH
              + " or "
              + IngestParser.CLOUDEVENT);
    }
    String length = exchange.getRequestHeaders().getFirst("Content-Length");
    if (length != null && tooLong(length)) {
      discardBody(exchange);
      return tooLarge(exchange);
    }
    byte[] body;
    try {
      body = readBody(exchange);
    } catch (IOException e) {
      return Reply.error(
          400, "unreadable", "the body could not be read in time: " + e.getMessage());
    }
    if (body == null) {
      discardBody(exchange);
      return tooLarge(exchange);
    }
    List<IngestParser.Item> items;
    try {
      items = IngestParser.parse(body, mediaType);
    } catch (IngestParser.BadBatch e) {
      return Reply.error(400, "bad_request", e.getMessage());
    }
    for (IngestParser.Item item : items) {
      if (item.event() != null && !caller.mayReport(item.event().product().strip())) {
        return Reply.error(
            403,
            "forbidden",
            "this token may not report usage of product '" + item.event().product() + "'");
      }
    }
    if (!permits.tryAcquire()) {
      Reply busy =
          Reply.error(429, "busy", "too many requests are delivering usage at once: retry shortly");
      return new Reply(busy.status(), busy.body(), RETRY_AFTER_BUSY_SECONDS);
    }
    List<EventOutcome> outcomes;
    try {
      outcomes = outcomes(items);
    } finally {
      permits.release();
    }
    return answer(outcomes);
  }

  /** Each item's outcome: its parse problem, or what the reporter answered. */
  private List<EventOutcome> outcomes(List<IngestParser.Item> items) {
    List<UsageEvent> events = new ArrayList<>();
    for (IngestParser.Item item : items) {
      if (item.event() != null) {
        events.add(item.event());
      }
    }
    List<EventOutcome> reported = events.isEmpty() ? List.of() : reporter.apply(events);
    List<EventOutcome> outcomes = new ArrayList<>(items.size());
    int next = 0;
    for (IngestParser.Item item : items) {
      outcomes.add(
          item.event() != null
              ? reported.get(next++)
              : EventOutcome.refused(item.id(), EventOutcome.Codes.INVALID, item.problem(), false));
    }
    return outcomes;
  }

  private Reply answer(List<EventOutcome> outcomes) {
    ObjectNode node = JSON.createObjectNode();
    ArrayNode events = JSON.createArrayNode();
    int accepted = 0;
    int duplicate = 0;
    int refused = 0;
    int unavailable = 0;
    for (EventOutcome outcome : outcomes) {
      ObjectNode event = events.addObject();
      event.put("id", outcome.id()).put("status", outcome.status().name());
      switch (outcome.status()) {
        case ACCEPTED -> accepted++;
        case DUPLICATE -> duplicate++;
        case REFUSED -> {
          refused++;
          event
              .put("code", outcome.code())
              .put("reason", outcome.reason())
              .put("retryable", outcome.retryable());
          if (EventOutcome.Codes.UNAVAILABLE.equals(outcome.code())) {
            unavailable++;
          }
        }
      }
      count(outcome);
    }
    node.put("accepted", accepted).put("duplicate", duplicate).put("refused", refused);
    node.set("events", events);
    boolean down = unavailable > 0 && unavailable == outcomes.size();
    return new Reply(down ? 503 : 200, bytes(node), down ? RETRY_AFTER_UNAVAILABLE_SECONDS : null);
  }

  private void count(EventOutcome outcome) {
    Counter.builder(EVENTS_METRIC)
        .description("Usage events received over HTTP, by outcome and refusal reason")
        .tag("outcome", outcome.status().name().toLowerCase(Locale.ROOT))
        .tag("reason", outcome.code() == null ? "none" : outcome.code())
        .register(registry)
        .increment();
  }

  /**
   * The refusal of a body over the limit. The connection is closed after it ({@code Connection:
   * close}): what is left of the body may not have been read, and a client must not send its next
   * request on a connection still carrying the rest of this one.
   */
  private static Reply tooLarge(HttpExchange exchange) {
    exchange.getResponseHeaders().set("Connection", "close");
    return Reply.error(
        413,
        "too_large",
        "the body must be at most "
            + MAX_BODY_BYTES
            + " bytes and "
            + IngestParser.MAX_EVENTS
            + " events: split it into several requests");
  }

  private static boolean tooLong(String contentLength) {
    try {
      return Long.parseLong(contentLength.strip()) > MAX_BODY_BYTES;
    } catch (NumberFormatException e) {
      return false; // the read below enforces the limit
    }
  }

  /**
   * Reads and drops what is left of a refused body, up to {@link #DISCARD_LIMIT_BYTES} and within
   * the read timeout, so that a client still sending it reads the 413 instead of a reset
   * connection. A larger or slower body is cut off: the connection is closed after the answer.
   */
  private void discardBody(HttpExchange exchange) {
    ScheduledFuture<?> watchdog =
        timer.schedule(exchange::close, readTimeoutMillis, TimeUnit.MILLISECONDS);
    try {
      InputStream in = exchange.getRequestBody();
      byte[] buffer = new byte[64 * 1024];
      long total = 0;
      for (int n; total <= DISCARD_LIMIT_BYTES && (n = in.read(buffer)) >= 0; ) {
        total += n;
      }
    } catch (IOException e) {
      log.debug("refused ingest body not drained: {}", e.getMessage());
    } finally {
      watchdog.cancel(false);
    }
  }

  /** The body, or null when it is over the limit; the exchange is closed at the read timeout. */
  private byte[] readBody(HttpExchange exchange) throws IOException {
    ScheduledFuture<?> watchdog =
        timer.schedule(exchange::close, readTimeoutMillis, TimeUnit.MILLISECONDS);
    try (InputStream in = exchange.getRequestBody()) {
      ByteArrayOutputStream out = new ByteArrayOutputStream(8192);
      byte[] buffer = new byte[16 * 1024];
      int total = 0;
      for (int n; (n = in.read(buffer)) >= 0; ) {
        total += n;
        if (total > MAX_BODY_BYTES) {
          return null;
        }
        out.write(buffer, 0, n);
      }
      if (watchdog.isDone()) {
        throw new IOException("read timeout");
      }
      return out.toByteArray();
    } finally {
      watchdog.cancel(false);
    }
  }

  private static String bearer(HttpExchange exchange) {
    String header = exchange.getRequestHeaders().getFirst("Authorization");
    if (header == null || header.length() < 7 || !header.regionMatches(true, 0, "Bearer ", 0, 7)) {
      return null;
    }
    return header.substring(7).strip();
  }

  private static void send(HttpExchange exchange, Reply reply) throws IOException {
    exchange.getResponseHeaders().set("Content-Type", "application/json");
    exchange.getResponseHeaders().set("Cache-Control", "no-store");
    if (reply.retryAfter() != null) {
      exchange.getResponseHeaders().set("Retry-After", reply.retryAfter());
    }
    boolean head = "HEAD".equalsIgnoreCase(exchange.getRequestMethod());
    exchange.sendResponseHeaders(reply.status(), head ? -1 : reply.body().length);
    if (!head) {
      exchange.getResponseBody().write(reply.body());
    }
  }

  private static byte[] bytes(ObjectNode node) {
    try {
      return JSON.writeValueAsBytes(node);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static byte[] openApi() {
    try (InputStream in = IngestHandler.class.getResourceAsStream("openapi.json")) {
      if (in == null) {
        throw new IllegalStateException("openapi.json is missing from the worker's resources");
      }
      return in.readAllBytes();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
