package dev.hourmeter.devtools;

import dev.hourmeter.client.TemporalConnectionSettings;
import dev.hourmeter.worker.catalog.CatalogProduct;
import dev.hourmeter.workflows.MeteringWorkflowIds;
import dev.hourmeter.workflows.model.api.MeteringTuning;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.stream.Collectors;

/**
 * The start-up banner of {@code dev}: what runs where, each demo customer with its Web UI link (or
 * how to get the UI), and the commands to try: the CLI, and curl lines that add a customer (an
 * agreement in the simulator, then the buyer's registration POST), renew one and end one.
 */
final class DevBanner {

  private final PrintWriter out;

  DevBanner(PrintWriter out) {
    this.out = out;
  }

  /**
   * The curl line that adds a buyer of {@code product}: the simulator creates the agreement and
   * posts its registration token to the registration endpoint, as the buyer's browser would.
   */
  static String addCustomerCommand(String simulator, String registration, String product) {
    return "curl -s -XPOST '"
        + simulator
        + "/_sim/agreements?register="
        + registration
        + "' -d '{\"productCode\":\""
        + product
        + "\",\"customerAWSAccountId\":\"111122223333\"}'";
  }

  /**
   * The curl line that renews agreement {@code agreementId}: the simulator's new agreement (for a
   * licensed product, a new license) takes over the buyer, with AWS's two events.
   */
  static String renewCommand(String simulator, String agreementId) {
    return "curl -s -XPOST " + simulator + "/_sim/agreements/" + agreementId + "/renew";
  }

  /** The curl line that posts {@code quantity} of usage over the ingest API. */
  static String postUsageCommand(
      String usageUrl, String token, String product, String customer, String dimension) {
    return "curl -s -XPOST "
        + usageUrl
        + " -H 'Authorization: Bearer "
        + token
        + "' -H 'Content-Type: application/json' -d '{\"events\":[{\"id\":\"http-'$(date +%s)'\","
        + "\"product\":\""
        + product
        + "\",\"customer\":\""
        + customer
        + "\",\"dimension\":\""
        + dimension
        + "\",\"quantity\":5}]}'";
  }

  void print(
      DevStack stack, Duration period, Duration usageInterval, String usageSource, boolean forced) {
    TemporalConnectionSettings temporal = stack.connectionSettings;
    String simulator = stack.simulator.endpoint().toString().replaceAll("/$", "");
    String prefix =
        temporal.address().endsWith(":7233") ? "" : "TEMPORAL_ADDRESS=" + temporal.address() + " ";
    out.println();
    out.println("hourmeter dev is running (Ctrl-C stops everything)");
    out.printf(
        "  Temporal (%s)  %s   namespace %s, task queue %s%n",
        stack.temporal.description(),
        temporal.address(),
        temporal.namespace(),
        temporal.taskQueue());
    out.printf(
        "  Temporal Web UI        %s%n",
        stack
            .temporal
            .ui()
            .map(Object::toString)
            .orElse(
                forced ? "none (--embedded-temporal)" : "none: " + DevTemporal.HOW_TO_GET_THE_UI));
    out.printf(
        "  AWS Marketplace simulator  %s   auto-subscribe, period %s (ledger: curl %s/_sim/ledger)%n",
        simulator, period, simulator);
    if (stack.registration != null) {
      out.printf(
          "  registration endpoint  %s   (fulfillment URL: POST x-amzn-marketplace-token)%n",
          stack.registration.url());
    }
    if (stack.ingest != null) {
      out.printf(
          "  HTTP ingest API        %s   token %s (docs/http-ingest.md)%n",
          stack.ingest.usageUrl(), stack.ingestToken);
    }
    out.printf(
        "  products               %s%n",
        stack.catalog.products().stream()
            .map(DevBanner::describe)
            .collect(Collectors.joining("; ")));
    if (!"none".equals(usageSource)) {
      out.printf(
          "  pulled usage           %s%n",
          dev.hourmeter.activities.usage.UsageSources.redact(usageSource));
    }
    if (!stack.arrivals.isEmpty()) {
      out.printf(
          "  demo customers (registered through the endpoint, usage every %s):%n", usageInterval);
      for (DemoOnboarding.Arrival arrival : stack.arrivals) {
        out.printf(
            "    %-16s %-24s %s  %s%n",
            arrival.buyer().name(),
            arrival.buyer().productCode(),
            arrival.agreement().id(),
            stack.temporal.workflowLink(arrival.workflowId()).orElse(arrival.workflowId()));
      }
    }
    out.println();
    out.println("Try in another terminal:");
    out.printf(
        "  %s./hourmeter status --product %s --customer demo-customer-1%n",
        prefix, DemoBuyer.LEGACY_PRODUCT);
    out.printf(
        "  %s./hourmeter usage --product %s --customer demo-customer-1 --dimension requests"
            + " --quantity 5%n",
        prefix, DemoBuyer.LEGACY_PRODUCT);
    out.printf("  %s./hourmeter list%n", prefix);
    if (stack.ingest != null) {
      out.println(
          "  # post usage over HTTP (one event; the answer says ACCEPTED, DUPLICATE or REFUSED)");
      out.println(
          "  "
              + postUsageCommand(
                  stack.ingest.usageUrl().toString(),
                  stack.ingestToken,
                  DemoBuyer.LEGACY_PRODUCT,
                  "demo-customer-1",
                  "requests"));
    }
    if (stack.registration != null) {
      out.println("  # add a customer: the buyer's agreement, and its browser's registration POST");
      out.println(
          "  "
              + addCustomerCommand(
                  simulator, stack.registration.url().toString(), DemoBuyer.LICENSED_PRODUCT));
    }
    if (!stack.arrivals.isEmpty()) {
      DemoOnboarding.Arrival renewed =
          stack.arrivals.stream()
              .filter(a -> a.buyer().concurrentAgreements())
              .findFirst()
              .orElse(stack.arrivals.get(0));
      out.printf(
          "  # renew %s: %s%n  %s%n",
          renewed.buyer().name(),
          renewed.buyer().concurrentAgreements()
              ? "a new agreement and license take over (the old agreement's Ended event, status"
                  + " RENEWED, then the new one's Created; ?order=created-first swaps them)"
              : "a new agreement takes over (same CustomerIdentifier; SNS: entitlement-updated)",
          renewCommand(simulator, renewed.agreement().id()));
      DemoOnboarding.Arrival first = stack.arrivals.get(0);
      out.printf(
          "  # end a customer: AWS's ending message now (the intake flushes its open period),"
              + " the final one a period later%n"
              + "  curl -s -XPOST %s/_sim/agreements/%s/end%n",
          simulator, first.agreement().id());
    }
    out.println();
    out.printf(
        "Each period's submissions are logged below, shortly after the period ends (%s grace,%n"
            + "then each customer at its own offset in a %s close spread),%n"
            + "each line with its customer's workflow id (follow one: | grep -E '%s[],]').%n",
        MeteringTuning.defaults(period).grace(),
        MeteringTuning.defaults(period).closeSpread(),
        MeteringWorkflowIds.forCustomer(DemoBuyer.LEGACY_PRODUCT, "demo-customer-1"));
    out.println();
    out.flush();
  }

  private static String describe(CatalogProduct product) {
    return product.productCode()
        + " ("
        + (product.concurrentAgreements() ? "concurrent agreements" : "legacy")
        + ", "
        + String.join(", ", product.dimensions())
        + ")";
  }
}
