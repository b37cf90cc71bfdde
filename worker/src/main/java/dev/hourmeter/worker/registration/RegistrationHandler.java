package dev.hourmeter.worker.registration;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import dev.hourmeter.activities.aws.MarketplaceCallException;
import dev.hourmeter.activities.aws.RegistrationService;
import dev.hourmeter.activities.aws.ResolvedCustomer;
import dev.hourmeter.worker.catalog.CatalogProduct;
import dev.hourmeter.worker.catalog.ProductCatalog;
import dev.hourmeter.worker.onboarding.CustomerWorkflowStarter;
import dev.hourmeter.worker.onboarding.CustomerWorkflowStarter.Outcome;
import dev.hourmeter.worker.onboarding.CustomerWorkflowStarter.StartResult;
import dev.hourmeter.workflows.model.api.CustomerId;
import dev.hourmeter.workflows.model.api.MeteringSubscription;
import io.grpc.StatusRuntimeException;
import io.temporal.client.WorkflowException;
import io.temporal.client.WorkflowServiceException;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.URLDecoder;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The seller's fulfillment URL. AWS Marketplace's form POST carries {@code
 * x-amzn-marketplace-token} (and {@code x-amzn-marketplace-offer-type=free-trial} for free trials);
 * the token is redeemed with ResolveCustomer, the product looked up in the {@link ProductCatalog},
 * the customer's workflow started (a no-op when running), and the browser sent on with a 303 to the
 * landing URL with {@code product}, {@code account} and {@code license} (nothing secret).
 *
 * <p>The customer's identity comes only from ResolveCustomer, never from the form: a legacy
 * product's customer is its CustomerIdentifier, a concurrent-agreements product's the account and
 * LicenseArn; the agreement id goes to the workflow's {@code MeteringAgreement}. The token is never
 * logged or stored whole ({@link TokenDigest}).
 */
final class RegistrationHandler implements HttpHandler {

  static final String TOKEN_FIELD = "x-amzn-marketplace-token";
  static final String OFFER_TYPE_FIELD = "x-amzn-marketplace-offer-type";
  static final String REGISTERED_PATH = "/registered";
  private static final int MAX_FORM_BYTES = 16 * 1024;

  private static final Logger log = LoggerFactory.getLogger(RegistrationHandler.class);

  private record Reply(int status, String html, String location) {
    static Reply page(int status, String html) {
      return new Reply(status, html, null);
    }
  }

  private final RegistrationService resolver;
  private final ProductCatalog catalog;
  private final CustomerWorkflowStarter starter;
  private final String landingUrl;

  RegistrationHandler(
      RegistrationService resolver,
      ProductCatalog catalog,
      CustomerWorkflowStarter starter,
      URI landingUrl) {
    this.resolver = resolver;
    this.catalog = catalog;
    this.starter = starter;
    this.landingUrl = landingUrl == null ? REGISTERED_PATH : landingUrl.toString();
  }

  @Override
  public void handle(HttpExchange exchange) throws IOException {
    try (exchange) {
      Reply reply;
      try {
        reply = route(exchange);
      } catch (RuntimeException e) {
        log.error("registration failed unexpectedly", e);
        reply = Reply.page(500, RegistrationPages.failed());
      }
      send(exchange, reply);
    }
  }

  private Reply route(HttpExchange exchange) throws IOException {
    String method = exchange.getRequestMethod().toUpperCase(Locale.ROOT);
    String path = exchange.getRequestURI().getPath();
    if (method.equals("GET") && path.equals(REGISTERED_PATH)) {
      Map<String, String> query = decode(exchange.getRequestURI().getRawQuery());
      return Reply.page(
          200,
          RegistrationPages.registered(
              query.get("product"), query.get("account"), query.get("license")));
    }
    if (method.equals("GET") && path.equals("/health")) {
      return Reply.page(200, "ok\n");
    }
    if (!method.equals("POST")) {
      exchange.getResponseHeaders().set("Allow", "POST");
      return Reply.page(405, RegistrationPages.fulfillmentInfo());
    }
    byte[] body;
    try (InputStream in = exchange.getRequestBody()) {
      body = in.readNBytes(MAX_FORM_BYTES + 1);
    }
    if (body.length > MAX_FORM_BYTES) {
      return Reply.page(413, RegistrationPages.missingToken());
    }
    Map<String, String> form = decode(new String(body, StandardCharsets.US_ASCII));
    String token = form.get(TOKEN_FIELD);
    if (token == null || token.isBlank()) {
      log.warn("registration POST without {} (fields {})", TOKEN_FIELD, form.keySet());
      return Reply.page(400, RegistrationPages.missingToken());
    }
    return register(token.trim(), form.get(OFFER_TYPE_FIELD));
  }

  private Reply register(String token, String offerType) {
    String digest = TokenDigest.of(token);
    ResolvedCustomer resolved;
    try {
      resolved = resolver.resolveCustomer(token);
    } catch (MarketplaceCallException e) {
      String type = e.errorType();
      if ("InvalidTokenException".equals(type) || "ExpiredTokenException".equals(type)) {
        log.info("registration {}: {}", digest, type);
        return Reply.page(400, RegistrationPages.invalidToken(type.startsWith("Expired")));
      }
      if (e.retryable()) {
        log.warn("registration {}: ResolveCustomer unavailable: {}", digest, e.getMessage());
        return Reply.page(503, RegistrationPages.unavailable());
      }
      log.error("registration {}: ResolveCustomer refused: {}", digest, e.getMessage());
      return Reply.page(502, RegistrationPages.failed());
    }
    CatalogProduct product = catalog.product(resolved.productCode()).orElse(null);
    if (product == null) {
      log.error(
          "registration {}: product {} (account {}) is not in the product catalog: add it to"
              + " --product-catalog and ask the buyer to register again",
          digest,
          resolved.productCode(),
          resolved.customerAwsAccountId());
      return Reply.page(500, RegistrationPages.unknownProduct(resolved.productCode()));
    }
    MeteringSubscription subscription;
    try {
      subscription = product.subscription(identity(product, resolved));
    } catch (IllegalArgumentException e) {
      log.error(
          "registration {}: ResolveCustomer's answer does not fit product {} ({}): {}",
          digest,
          product.productCode(),
          product.integration().configName(),
          e.getMessage());
      return Reply.page(502, RegistrationPages.failed());
    }
    StartResult started;
    try {
      started = starter.start(subscription, resolved.agreementId());
    } catch (WorkflowServiceException | StatusRuntimeException e) {
      log.warn("registration {}: Temporal unavailable: {}", digest, e.getMessage());
      return Reply.page(503, RegistrationPages.unavailable());
    } catch (WorkflowException e) {
      log.error("registration {}: start refused: {}", digest, e.getMessage());
      return Reply.page(502, RegistrationPages.failed());
    }
    log.info(
        "registration {}: product {} {}{}{} -> {} {}",
        digest,
        product.productCode(),
        subscription.customer().hasLicense()
            ? "account " + resolved.customerAwsAccountId() + " license " + resolved.licenseArn()
            : "customer " + resolved.customerIdentifier(),
        resolved.agreementId() == null ? "" : " agreement " + resolved.agreementId(),
        offerType == null ? "" : " offer type " + offerType,
        started.workflowId(),
        started.outcome());
    if (started.outcome() == Outcome.ALREADY_ENDED) {
      return Reply.page(410, RegistrationPages.ended());
    }
    return new Reply(303, "", landing(product, resolved, subscription.customer()));
  }

  /** The customer, from ResolveCustomer only, as the product's integration identifies buyers. */
  private static CustomerId identity(CatalogProduct product, ResolvedCustomer resolved) {
    if (product.concurrentAgreements()) {
      if (resolved.customerAwsAccountId() == null || resolved.licenseArn() == null) {
        throw new IllegalArgumentException(
            "a concurrent-agreements product needs CustomerAWSAccountId and LicenseArn");
      }
      return CustomerId.licensed(resolved.customerAwsAccountId(), resolved.licenseArn());
    }
    if (resolved.customerIdentifier() == null) {
      throw new IllegalArgumentException("a legacy product needs a CustomerIdentifier");
    }
    return CustomerId.legacy(resolved.customerIdentifier());
  }

  private String landing(CatalogProduct product, ResolvedCustomer resolved, CustomerId customer) {
    StringBuilder url = new StringBuilder(landingUrl);
    url.append(landingUrl.contains("?") ? '&' : '?');
    url.append("product=").append(encode(product.productCode()));
    if (resolved.customerAwsAccountId() != null) {
      url.append("&account=").append(encode(resolved.customerAwsAccountId()));
    }
    if (customer.hasLicense()) {
      url.append("&license=").append(encode(customer.licenseArn()));
    }
    return url.toString();
  }

  private static void send(HttpExchange exchange, Reply reply) throws IOException {
    var headers = exchange.getResponseHeaders();
    headers.set("Cache-Control", "no-store");
    headers.set("Referrer-Policy", "no-referrer");
    headers.set("X-Content-Type-Options", "nosniff");
    if (reply.location() != null) {
      headers.set("Location", reply.location());
    }
    byte[] bytes = reply.html().getBytes(StandardCharsets.UTF_8);
    if (bytes.length > 0) {
      headers.set(
          "Content-Type",
          reply.html().startsWith("<") ? "text/html; charset=utf-8" : "text/plain; charset=utf-8");
    }
    exchange.sendResponseHeaders(reply.status(), bytes.length == 0 ? -1 : bytes.length);
    if (bytes.length > 0) {
      exchange.getResponseBody().write(bytes);
    }
  }

  private static String encode(String value) {
    return URLEncoder.encode(value, StandardCharsets.UTF_8);
  }

  /** An {@code application/x-www-form-urlencoded} body or query; the first value of a name wins. */
  static Map<String, String> decode(String encoded) {
    Map<String, String> fields = new HashMap<>();
    if (encoded == null || encoded.isEmpty()) {
      return fields;
    }
    for (String pair : encoded.split("&")) {
      int eq = pair.indexOf('=');
      try {
        String name =
            URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8);
        String value =
            eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
        fields.putIfAbsent(name, value);
      } catch (IllegalArgumentException e) {
        // a malformed %-escape: skip the field
      }
    }
    return fields;
  }
}
