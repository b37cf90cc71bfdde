package dev.hourmeter.simulator;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.net.URI;
import java.util.List;
import java.util.Map;

/** The control API's {@code /_sim/agreements} routes, for the {@link ControlApiHandler}. */
final class AgreementControlRoutes {

  private AgreementControlRoutes() {}

  /**
   * {@code /agreements}, {@code /agreements/{id}}, {@code
   * /agreements/{id}/amend|end|renew|replace}; {@code POST /agreements?register=URL} also posts the
   * new token to the fulfillment URL, as the buyer's browser would, and adds its answer as {@code
   * registration}. {@code renew} and {@code replace} answer the new agreement; {@code
   * ?order=ended-first} (default) or {@code created-first} chooses the order of their two events,
   * an optional body {@code {"entitlements":[...]}} the new agreement's entitlements.
   */
  static JsonNode route(
      SimulatorAgreements agreements,
      String method,
      String rest,
      byte[] body,
      Map<String, String> query) {
    if (rest.isEmpty()) {
      if (method.equals("GET")) {
        ObjectNode node = AwsJson.object();
        ArrayNode list = node.putArray("agreements");
        agreements.all().forEach(a -> list.add(AgreementCodec.render(a)));
        return node;
      }
      ControlApiHandler.requireMethod(method, "POST");
      String register = query.get("register");
      URI fulfillment = register == null ? null : fulfillmentUrl(register);
      Agreement created = agreements.create(AgreementCodec.agreement(ControlApiHandler.json(body)));
      ObjectNode node = AgreementCodec.render(created);
      if (fulfillment != null) {
        node.set("registration", register(fulfillment, created));
      }
      return node;
    }
    String[] parts = rest.substring(1).split("/");
    String id = parts[0];
    if (parts.length == 1) {
      ControlApiHandler.requireMethod(method, "GET");
      return AgreementCodec.render(
          agreements.get(id).orElseThrow(() -> new ControlException(404, "no agreement " + id)));
    }
    if (parts.length == 2 && parts[1].equals("amend")) {
      ControlApiHandler.requireMethod(method, "POST");
      return AgreementCodec.render(
          agreements.amend(id, AgreementCodec.amendment(ControlApiHandler.json(body))));
    }
    if (parts.length == 2 && parts[1].equals("end")) {
      ControlApiHandler.requireMethod(method, "POST");
      return AgreementCodec.render(agreements.end(id));
    }
    if (parts.length == 2 && (parts[1].equals("renew") || parts[1].equals("replace"))) {
      ControlApiHandler.requireMethod(method, "POST");
      List<EntitlementSpec> entitlements =
          body.length == 0 ? null : AgreementCodec.succession(ControlApiHandler.json(body));
      SimulatorAgreements.EventOrder order = AgreementCodec.order(query.get("order"));
      SimulatorAgreements.Succession succession =
          parts[1].equals("renew")
              ? agreements.renew(id, entitlements, order)
              : agreements.replace(id, entitlements, order);
      return AgreementCodec.render(succession.successor());
    }
    throw new ControlException(
        404,
        "unknown agreement endpoint: "
            + ControlApiHandler.PREFIX
            + ControlApiHandler.AGREEMENTS
            + rest
            + " (use /amend, /end, /renew or /replace)");
  }

  private static URI fulfillmentUrl(String value) {
    URI uri;
    try {
      uri = new URI(value);
    } catch (java.net.URISyntaxException e) {
      throw new ControlException("register: not a URL: '" + value + "'");
    }
    if (!uri.isAbsolute() || !List.of("http", "https").contains(uri.getScheme())) {
      throw new ControlException("register: an absolute http(s) URL is required: '" + value + "'");
    }
    return uri;
  }

  /** The buyer's registration POST; an unreachable URL is reported in the answer, not thrown. */
  private static ObjectNode register(URI fulfillment, Agreement agreement) {
    ObjectNode node = AwsJson.object();
    node.put("url", fulfillment.toString());
    try {
      BuyerRegistration.Answer answer =
          BuyerRegistration.post(fulfillment, agreement.registrationToken());
      node.put("status", answer.status());
      node.put("location", answer.location());
    } catch (IOException e) {
      node.put("error", "cannot reach " + fulfillment + ": " + e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      node.put("error", "interrupted");
    }
    return node;
  }
}
