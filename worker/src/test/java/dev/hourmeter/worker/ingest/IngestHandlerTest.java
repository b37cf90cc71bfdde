package dev.hourmeter.worker.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.hourmeter.client.usage.EventOutcome;
import dev.hourmeter.client.usage.UsageEvent;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The ingest API over real HTTP with a stand-in reporter: authentication before any work, limits,
 * the outcome of each event in order, and the metrics.
 */
class IngestHandlerTest {

  private static final String TOKEN = "test-token-0123456789";
  private static final String LIMITED = "limited-token-0123456";
  private static final ObjectMapper JSON = new ObjectMapper();

  private final HttpClient http = HttpClient.newHttpClient();
  private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
  private final List<List<UsageEvent>> calls = Collections.synchronizedList(new ArrayList<>());
  private IngestServer server;

  @AfterEach
  void tearDown() {
    if (server != null) {
      server.close();
    }
  }

  private void start(int maxConcurrent, Function<List<UsageEvent>, List<EventOutcome>> reporter) {
    IngestSettings settings =
        IngestSettings.plain(
                "127.0.0.1",
                0,
                IngestTokens.parse(TOKEN + "\n" + LIMITED + " products=p-other", "test"))
            .withMaxConcurrent(maxConcurrent);
    settings =
        new IngestSettings(
            true,
            settings.bindAddress(),
            0,
            settings.tokens(),
            maxConcurrent,
            Duration.ofMillis(500),
            null,
            null);
    server =
        IngestServer.start(
            settings,
            events -> {
              calls.add(events);
              return reporter.apply(events);
            },
            registry);
  }

  private static List<EventOutcome> acceptAll(List<UsageEvent> events) {
    return events.stream().map(e -> EventOutcome.accepted(e.id())).toList();
  }

  @Test
  void eachEventIsAnsweredInOrderWithParseProblemsAndReporterOutcomesMerged() throws Exception {
    start(
        4,
        events ->
            events.stream()
                .map(
                    e ->
                        switch (e.id()) {
                          case "dup" -> EventOutcome.duplicate(e.id());
                          case "bad-dim" ->
                              EventOutcome.refused(
                                  e.id(), "invalid", "usage[0].dimension: unknown 'x'", false);
                          default -> EventOutcome.accepted(e.id());
                        })
                .toList());
    String body =
        "{\"events\": ["
            + IngestParserTest.event("a", "1")
            + ","
            + IngestParserTest.event("str", "\"1\"")
            + ","
            + IngestParserTest.event("dup", "2")
            + ","
            + IngestParserTest.event("bad-dim", "3")
            + "]}";
    HttpResponse<String> response = post(body, TOKEN, IngestParser.JSON);
    assertThat(response.statusCode()).isEqualTo(200);
    JsonNode answer = JSON.readTree(response.body());
    assertThat(answer.get("accepted").asInt()).isEqualTo(1);
    assertThat(answer.get("duplicate").asInt()).isEqualTo(1);
    assertThat(answer.get("refused").asInt()).isEqualTo(2);
    JsonNode events = answer.get("events");
    assertThat(events.get(0).get("status").asText()).isEqualTo("ACCEPTED");
    assertThat(events.get(1).get("id").asText()).isEqualTo("str");
    assertThat(events.get(1).get("reason").asText())
        .isEqualTo("events[1].quantity: must be a number, got a string");
    assertThat(events.get(1).get("retryable").asBoolean()).isFalse();
    assertThat(events.get(2).get("status").asText()).isEqualTo("DUPLICATE");
    assertThat(events.get(3).get("code").asText()).isEqualTo("invalid");
    assertThat(calls).hasSize(1);
    assertThat(calls.get(0)).extracting(UsageEvent::id).containsExactly("a", "dup", "bad-dim");
    assertThat(
            registry
                .get(IngestHandler.EVENTS_METRIC)
                .tags("outcome", "refused", "reason", "invalid")
                .counter()
                .count())
        .isEqualTo(2);
    assertThat(registry.get(IngestHandler.REQUEST_METRIC).tags("status", "200").timer().count())
        .isEqualTo(1);
  }

  @Test
  void withoutAValidTokenNothingIsReadOrReported() throws Exception {
    start(4, IngestHandlerTest::acceptAll);
    String body = "[" + IngestParserTest.event("a", "1") + "]";
    HttpResponse<String> none = post(body, null, IngestParser.JSON);
    assertThat(none.statusCode()).isEqualTo(401);
    assertThat(none.headers().firstValue("WWW-Authenticate")).hasValue("Bearer");
    assertThat(post(body, "wrong-token-0123456789", IngestParser.JSON).statusCode()).isEqualTo(401);
    HttpResponse<String> limited = post(body, LIMITED, IngestParser.JSON);
    assertThat(limited.statusCode()).isEqualTo(403);
    assertThat(limited.body()).contains("may not report usage of product 'p'");
    assertThat(calls).isEmpty();
  }

  @Test
  void oversizedUnsupportedAndMalformedBodiesAreRefusedWithoutWork() throws Exception {
    start(4, IngestHandlerTest::acceptAll);
    byte[] big = new byte[IngestHandler.MAX_BODY_BYTES + 1];
    java.util.Arrays.fill(big, (byte) ' ');
    HttpResponse<String> declared =
        http.send(
            request(TOKEN, IngestParser.JSON)
                .POST(HttpRequest.BodyPublishers.ofByteArray(big))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(declared.statusCode()).isEqualTo(413);
    assertThat(declared.headers().firstValue("Connection")).hasValue("close");
    HttpResponse<String> chunked =
        http.send(
            request(TOKEN, IngestParser.JSON)
                .POST(
                    HttpRequest.BodyPublishers.ofInputStream(
                        () -> (InputStream) new ByteArrayInputStream(big)))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(chunked.statusCode()).isEqualTo(413);
    assertThat(chunked.headers().firstValue("Connection")).hasValue("close");
    for (int i = 0; i < 20; i++) {
      assertThat(
              http.send(
                      request(TOKEN, IngestParser.JSON)
                          .POST(HttpRequest.BodyPublishers.ofByteArray(big))
                          .build(),
                      HttpResponse.BodyHandlers.ofString())
                  .statusCode())
          .as("oversized request %d, sent on a reused client", i)
          .isEqualTo(413);
    }
    assertThat(post("[]", TOKEN, "text/plain").statusCode()).isEqualTo(415);
    HttpResponse<String> malformed = post("{\"events\": 5}", TOKEN, IngestParser.JSON);
    assertThat(malformed.statusCode()).isEqualTo(400);
    assertThat(malformed.body()).contains("events: must be an array of events, got a number");
    assertThat(calls).isEmpty();
  }

  @Test
  void whenEveryPermitIsTakenARequestIsAnswered429WithRetryAfter() throws Exception {
    CountDownLatch entered = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    start(
        1,
        events -> {
          entered.countDown();
          try {
            release.await(10, TimeUnit.SECONDS);
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
          }
          return acceptAll(events);
        });
    String body = "[" + IngestParserTest.event("a", "1") + "]";
    CompletableFuture<HttpResponse<String>> first =
        http.sendAsync(
            request(TOKEN, IngestParser.JSON)
                .POST(HttpRequest.BodyPublishers.ofString(body))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(entered.await(10, TimeUnit.SECONDS)).isTrue();
    HttpResponse<String> busy = post(body, TOKEN, IngestParser.JSON);
    assertThat(busy.statusCode()).isEqualTo(429);
    assertThat(busy.headers().firstValue("Retry-After")).hasValue("1");
    release.countDown();
    assertThat(first.get(10, TimeUnit.SECONDS).statusCode()).isEqualTo(200);
    assertThat(post(body, TOKEN, IngestParser.JSON).statusCode()).isEqualTo(200);
  }

  @Test
  void whenTemporalCannotBeReachedForAnyEventTheAnswerIs503WithRetryAfter() throws Exception {
    start(
        4,
        events ->
            events.stream()
                .map(e -> EventOutcome.refused(e.id(), "unavailable", "temporal: down", true))
                .toList());
    HttpResponse<String> response =
        post("[" + IngestParserTest.event("a", "1") + "]", TOKEN, IngestParser.JSON);
    assertThat(response.statusCode()).isEqualTo(503);
    assertThat(response.headers().firstValue("Retry-After")).hasValue("5");
    assertThat(JSON.readTree(response.body()).at("/events/0/retryable").asBoolean()).isTrue();
  }

  @Test
  void aBodyThatDoesNotArriveWithinTheReadTimeoutIsDropped() throws Exception {
    start(4, IngestHandlerTest::acceptAll);
    try (Socket socket = new Socket("127.0.0.1", server.port())) {
      socket.setSoTimeout(5000);
      socket
          .getOutputStream()
          .write(
              ("POST /v1/usage HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer "
                      + TOKEN
                      + "\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n[")
                  .getBytes(StandardCharsets.US_ASCII));
      socket.getOutputStream().flush();
      long started = System.nanoTime();
      byte[] answer = socket.getInputStream().readAllBytes(); // the server closes the connection
      assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(4));
      assertThat(new String(answer, StandardCharsets.US_ASCII)).doesNotContain("200 OK");
    }
    assertThat(calls).isEmpty();
  }

  @Test
  void theOpenApiDescriptionIsServedWithoutAToken() throws Exception {
    start(4, IngestHandlerTest::acceptAll);
    HttpResponse<String> response =
        http.send(
            HttpRequest.newBuilder(server.baseUrl().resolve("/v1/openapi.json")).GET().build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(response.statusCode()).isEqualTo(200);
    JsonNode doc = JSON.readTree(response.body());
    assertThat(doc.get("openapi").asText()).startsWith("3.");
    assertThat(doc.at("/paths/~1v1~1usage/post")).isNotNull();
  }

  private HttpRequest.Builder request(String token, String contentType) {
    HttpRequest.Builder builder =
        HttpRequest.newBuilder(URI.create(server.usageUrl().toString()))
            .header("Content-Type", contentType);
    if (token != null) {
      builder.header("Authorization", "Bearer " + token);
    }
    return builder;
  }

  private HttpResponse<String> post(String body, String token, String contentType)
      throws Exception {
    return http.send(
        request(token, contentType).POST(HttpRequest.BodyPublishers.ofString(body)).build(),
        HttpResponse.BodyHandlers.ofString());
  }
}
