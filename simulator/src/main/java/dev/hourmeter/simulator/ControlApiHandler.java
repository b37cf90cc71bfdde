package dev.hourmeter.simulator;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import java.io.IOException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The JSON control API under {@code /_sim/}: delegates to the {@link MarketplaceSimulator} Java API
 * ({@link AgreementControlRoutes} answers {@code /_sim/agreements}).
 */
final class ControlApiHandler implements HttpHandler {

  static final String PREFIX = "/_sim";
  static final String AGREEMENTS = "/agreements";
  private static final Logger LOG = LoggerFactory.getLogger(ControlApiHandler.class);

  private final MarketplaceSimulator simulator;

  ControlApiHandler(MarketplaceSimulator simulator) {
    this.simulator = simulator;
  }

  @Override
  public void handle(HttpExchange exchange) throws IOException {
    try {
      byte[] body = exchange.getRequestBody().readAllBytes();
      String path = exchange.getRequestURI().getPath();
      String resource = path.substring(PREFIX.length()).replaceAll("/+$", "");
      String method = exchange.getRequestMethod().toUpperCase(java.util.Locale.ROOT);
      int status = 200;
      JsonNode response;
      try {
        response = route(method, resource, body, query(exchange.getRequestURI().getRawQuery()));
      } catch (ControlException e) {
        status = e.status();
        response = error(e.getMessage());
      } catch (IllegalArgumentException e) {
        status = 400;
        response = error(e.getMessage());
      } catch (RuntimeException e) {
        LOG.error("Control API failure on {} {}", method, path, e);
        status = 500;
        response = error("simulator failure: " + e);
      }
      byte[] bytes = AwsJson.bytes(response);
      exchange.getResponseHeaders().set("Content-Type", "application/json");
      exchange.sendResponseHeaders(status, bytes.length);
      exchange.getResponseBody().write(bytes);
    } finally {
      exchange.close();
    }
  }

  private JsonNode route(String method, String resource, byte[] body, Map<String, String> query) {
    if (resource.equals(AGREEMENTS) || resource.startsWith(AGREEMENTS + "/")) {
      return AgreementControlRoutes.route(
          simulator.agreements(), method, resource.substring(AGREEMENTS.length()), body, query);
    }
    switch (resource) {
      case "/health" -> {
        requireMethod(method, "GET");
        return ok();
      }
      case "/subscriptions" -> {
        if (method.equals("GET")) {
          ObjectNode node = AwsJson.object();
          ArrayNode list = node.putArray("subscriptions");
          simulator.subscriptions().forEach(s -> list.add(ControlRenderer.render(s)));
          return node;
        }
        requireMethod(method, "POST");
        SubscriptionSpec spec = ControlCodec.subscription(json(body));
        simulator.subscribe(spec);
        return ControlRenderer.render(spec);
      }
      case "/products" -> {
        if (method.equals("GET")) {
          ObjectNode node = AwsJson.object();
          ArrayNode list = node.putArray("products");
          simulator.products().forEach(p -> list.add(ControlRenderer.render(p)));
          return node;
        }
        requireMethod(method, "POST");
        ProductSpec spec = ControlCodec.product(json(body));
        simulator.registerProduct(spec);
        return ControlRenderer.render(spec);
      }
      case "/faults" -> {
        switch (method) {
          case "GET" -> {
            return ControlRenderer.render(simulator.faults());
          }
          case "POST", "PUT" -> {
            simulator.setFaults(FaultSpecCodec.faults(json(body)));
            return ControlRenderer.render(simulator.faults());
          }
          case "DELETE" -> {
            simulator.clearFaults();
            return ControlRenderer.render(simulator.faults());
          }
          default -> throw methodNotAllowed(method, "GET, POST, DELETE");
        }
      }
      case "/ledger" -> {
        requireMethod(method, "GET");
        ObjectNode node = AwsJson.object();
        // Over every request since start or reset, whatever the filters.
        node.put("deprecatedQuantityRecords", simulator.deprecatedQuantityRecords());
        node.put("identityOverlaps", simulator.identityOverlaps());
        ArrayNode records = node.putArray("records");
        simulator
            .ledger(query.get("productCode"), query.get("customer"), query.get("licenseArn"))
            .forEach(e -> records.add(ControlRenderer.render(e)));
        return node;
      }
      case "/requests" -> {
        if (method.equals("DELETE")) {
          simulator.clearRequestLog();
          return ok();
        }
        requireMethod(method, "GET");
        ObjectNode node = AwsJson.object();
        ArrayNode requests = node.putArray("requests");
        simulator.requestLog().forEach(e -> requests.add(ControlRenderer.render(e)));
        return node;
      }
      case "/events" -> {
        requireMethod(method, "GET");
        ObjectNode node = AwsJson.object();
        ArrayNode events = node.putArray("events");
        for (String event : simulator.cloudTrailEvents()) {
          events.add(json(event.getBytes(StandardCharsets.UTF_8)));
        }
        return node;
      }
      case "/agreement-events" -> {
        AgreementEventSink sink = simulator.agreements().sink();
        SqsAgreementEventSink sqs = sink instanceof SqsAgreementEventSink s ? s : null;
        InMemoryAgreementEventSink memory =
            sqs != null ? sqs.delivered() : sink instanceof InMemoryAgreementEventSink m ? m : null;
        if (memory == null) {
          throw new ControlException(
              404, "agreement events go to a configured sink, not kept in memory");
        }
        if (method.equals("DELETE")) {
          if (sqs != null) {
            sqs.clear();
          } else {
            memory.clear();
          }
          return ok();
        }
        requireMethod(method, "GET");
        ObjectNode node = AwsJson.object();
        ArrayNode messages = node.putArray("messages");
        memory.messages().forEach(messages::add);
        if (sqs != null) {
          node.put("queueUrl", sqs.queueUrl());
          ArrayNode failed = node.putArray("failed");
          sqs.failed().forEach(failed::add);
        }
        return node;
      }
      case "/reset" -> {
        requireMethod(method, "POST");
        simulator.reset();
        return ok();
      }
      default ->
          throw new ControlException(
              404,
              "unknown control endpoint: "
                  + PREFIX
                  + resource
                  + " (see /_sim/health, subscriptions, products, agreements, agreement-events, faults,"
                  + " ledger, requests, events, reset)");
    }
  }

  static JsonNode json(byte[] body) {
    if (body.length == 0) {
      throw new ControlException("body: a JSON object is required");
    }
    try {
      return AwsJson.parse(body);
    } catch (JsonProcessingException e) {
      throw new ControlException("body: malformed JSON: " + e.getOriginalMessage());
    } catch (IOException e) {
      throw new ControlException("body: unreadable: " + e.getMessage());
    }
  }

  private static Map<String, String> query(String rawQuery) {
    Map<String, String> params = new HashMap<>();
    if (rawQuery == null || rawQuery.isEmpty()) {
      return params;
    }
    for (String pair : rawQuery.split("&")) {
      int eq = pair.indexOf('=');
      String key = URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8);
      String value =
          eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
      if (!value.isEmpty()) {
        params.put(key, value);
      }
    }
    return params;
  }

  static void requireMethod(String method, String expected) {
    if (!method.equals(expected)) {
      throw methodNotAllowed(method, expected);
    }
  }

  private static ControlException methodNotAllowed(String method, String allowed) {
    return new ControlException(
        405, "method " + method + " not allowed here (use " + allowed + ")");
  }

  private static ObjectNode ok() {
    ObjectNode node = AwsJson.object();
    node.put("status", "ok");
    return node;
  }

  private static ObjectNode error(String message) {
    ObjectNode node = AwsJson.object();
    node.put("error", message);
    return node;
  }
}
