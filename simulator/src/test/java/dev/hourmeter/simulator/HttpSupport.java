package dev.hourmeter.simulator;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;

/** Plain java.net.http calls against a simulator. */
final class HttpSupport {

  static final ObjectMapper JSON = new ObjectMapper();
  private static final HttpClient CLIENT = HttpClient.newHttpClient();

  record Reply(int status, JsonNode body, HttpResponse<String> raw) {}

  private HttpSupport() {}

  static Reply send(MarketplaceSimulator sim, String method, String path, String body) {
    HttpRequest.Builder b =
        HttpRequest.newBuilder(URI.create(sim.endpoint() + path))
            .header("Content-Type", "application/json");
    b.method(
        method,
        body == null
            ? HttpRequest.BodyPublishers.noBody()
            : HttpRequest.BodyPublishers.ofString(body));
    return execute(b.build());
  }

  static Reply aws(MarketplaceSimulator sim, String target, String body) {
    return aws(sim, target, "application/x-amz-json-1.1", body);
  }

  static Reply aws(MarketplaceSimulator sim, String target, String contentType, String body) {
    HttpRequest.Builder b =
        HttpRequest.newBuilder(URI.create(sim.endpoint() + "/"))
            .header("Content-Type", contentType)
            .POST(HttpRequest.BodyPublishers.ofString(body));
    if (target != null) {
      b.header("X-Amz-Target", target);
    }
    return execute(b.build());
  }

  private static Reply execute(HttpRequest request) {
    try {
      HttpResponse<String> response = CLIENT.send(request, HttpResponse.BodyHandlers.ofString());
      return new Reply(response.statusCode(), JSON.readTree(response.body()), response);
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }
}
