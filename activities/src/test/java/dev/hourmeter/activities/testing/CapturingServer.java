package dev.hourmeter.activities.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Function;

/**
 * Test fixture: a local HTTP endpoint that records every request exactly as received (method, path,
 * headers, body bytes) and answers with canned JSON responses, in order. Lets a test see the bytes
 * the real SDK client puts on the wire.
 */
public final class CapturingServer implements AutoCloseable {

  /** One request as received; header names lower-cased. */
  public record Captured(String method, String path, Map<String, String> headers, byte[] body) {
    public String bodyText() {
      return new String(body, StandardCharsets.UTF_8);
    }

    public String header(String name) {
      return headers.get(name.toLowerCase(Locale.ROOT));
    }
  }

  public record Canned(int status, String json) {}

  private final HttpServer server;
  private final List<Captured> captured = new ArrayList<>();
  private final Deque<Canned> responses = new ArrayDeque<>();
  private Function<Captured, Canned> fallback = request -> new Canned(500, "{}");

  public CapturingServer() throws IOException {
    server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    server.createContext(
        "/",
        exchange -> {
          byte[] body;
          try (InputStream in = exchange.getRequestBody()) {
            body = in.readAllBytes();
          }
          Map<String, String> headers = new TreeMap<>();
          exchange
              .getRequestHeaders()
              .forEach((k, v) -> headers.put(k.toLowerCase(Locale.ROOT), String.join(",", v)));
          Canned answer;
          synchronized (this) {
            Captured request =
                new Captured(
                    exchange.getRequestMethod(),
                    exchange.getRequestURI().getRawPath(),
                    headers,
                    body);
            captured.add(request);
            answer = responses.isEmpty() ? fallback.apply(request) : responses.poll();
          }
          byte[] out = answer.json().getBytes(StandardCharsets.UTF_8);
          exchange.getResponseHeaders().add("Content-Type", "application/x-amz-json-1.1");
          exchange.sendResponseHeaders(answer.status(), out.length);
          try (OutputStream os = exchange.getResponseBody()) {
            os.write(out);
          }
        });
    server.start();
  }

  public URI endpoint() {
    return URI.create("http://127.0.0.1:" + server.getAddress().getPort());
  }

  public synchronized void answer(int status, String json) {
    responses.add(new Canned(status, json));
  }

  /** How requests are answered once the canned answers are used up (default: HTTP 500). */
  public synchronized void otherwise(Function<Captured, Canned> responder) {
    fallback = responder;
  }

  /** A BatchMeterUsage answer that accepts every record of {@code request}, echoing each. */
  public static Canned acceptAll(Captured request) {
    try {
      ObjectMapper json = new ObjectMapper();
      JsonNode records = json.readTree(request.body()).path("UsageRecords");
      ObjectNode answer = json.createObjectNode();
      ArrayNode results = answer.putArray("Results");
      int n = 0;
      for (JsonNode record : records) {
        ObjectNode result = results.addObject();
        result.set("UsageRecord", record);
        result.put("MeteringRecordId", "m-" + request.hashCode() + "-" + n++);
        result.put("Status", "Success");
      }
      answer.putArray("UnprocessedRecords");
      return new Canned(200, json.writeValueAsString(answer));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public synchronized List<Captured> captured() {
    return List.copyOf(captured);
  }

  @Override
  public void close() {
    server.stop(0);
  }
}
