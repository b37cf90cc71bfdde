package dev.hourmeter.starter;

import static org.assertj.core.api.Assertions.assertThat;

import dev.hourmeter.starter.CliTestServer.Result;
import dev.hourmeter.workflows.MeteringWorkflowIds;
import java.io.IOException;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** {@code status} of a customer whose workflow is closed: terminated, or ended by unsubscribe. */
class ClosedWorkflowStatusTest {

  private static final String QUEUE = "cli-closed-test";
  private static final String PRODUCT = "closed-product";

  private static CliTestServer server;

  @BeforeAll
  static void startServer() throws IOException {
    server = CliTestServer.start(QUEUE);
  }

  @AfterAll
  static void stop() throws InterruptedException {
    if (server != null) {
      server.close();
    }
  }

  @Test
  void statusOfATerminatedCustomerShowsWhatIsKnown() {
    String customer = "terminated-1";
    start(customer);
    Result usage =
        server.run(
            "usage",
            "--product",
            PRODUCT,
            "--customer",
            customer,
            "--dimension",
            "requests",
            "--quantity",
            "5",
            "--id",
            "r-1");
    assertThat(usage.code()).as(usage.toString()).isZero();
    server
        .client()
        .newUntypedWorkflowStub(MeteringWorkflowIds.forCustomer(PRODUCT, customer))
        .terminate("operator test: stuck customer");

    Result status = server.run("status", "--product", PRODUCT, "--customer", customer);
    Result json = server.run("status", "--product", PRODUCT, "--customer", customer, "--json");

    assertThat(status.code()).as(status.toString()).isZero();
    assertThat(status.out())
        .contains("closed       Terminated at ")
        .contains("terminated: operator test: stuck customer")
        .contains(
            "state        TERMINATED (closed: it meters no more, though its MeteringState search"
                + " attribute still says ACTIVE)")
        .contains("MeteringState=ACTIVE")
        .contains("LAST KNOWN FROM HISTORY")
        .contains("customer     " + customer + " of " + PRODUCT)
        .contains("0 recordUsage signals and 1 reportUsage updates received")
        .contains("usage pending at the close: unknown");
    assertThat(json.code()).as(json.toString()).isZero();
    assertThat(json.out())
        .contains("\"status\" : \"Terminated\"")
        .contains("\"state\" : \"TERMINATED\"")
        .contains("\"meteringState\" : \"ACTIVE\"")
        .contains("\"usageUpdatesAccepted\" : 1")
        .contains("\"closeReason\" : \"terminated: operator test: stuck customer");
  }

  /**
   * Issue 19's probe: a workflow terminated from outside keeps MeteringState=ACTIVE (the workflow
   * never ran again to change it), and {@code list --state ACTIVE} showed it. The in-process server
   * lists without a visibility query, so this covers the filtering done here; ListCommandIT and
   * ClosedWorkflowStateIT cover the real server's query.
   */
  @Test
  void aTerminatedCustomerIsNeverListedAsActive() {
    String product = "closed-list-product";
    start(product, "kept");
    start(product, "terminated-2");
    String terminated = MeteringWorkflowIds.forCustomer(product, "terminated-2");
    server.client().newUntypedWorkflowStub(terminated).terminate("probe: terminated from the CLI");

    Result active = server.run("list", "--product", product, "--state", "ACTIVE");
    Result all = server.run("list", "--product", product);

    assertThat(active.code()).as(active.toString()).isZero();
    assertThat(active.out())
        .contains(MeteringWorkflowIds.forCustomer(product, "kept"))
        .doesNotContain(terminated);
    assertThat(all.code()).as(all.toString()).isZero();
    assertThat(all.out())
        .containsPattern(Pattern.quote(terminated) + " .* TERMINATED +Terminated")
        .containsPattern("/kept .* ACTIVE +Running");
  }

  private static void start(String customer) {
    start(PRODUCT, customer);
  }

  private static void start(String product, String customer) {
    Result started =
        server.run(
            "start", "--product", product, "--customer", customer, "--dimension", "requests");
    assertThat(started.code()).as(started.toString()).isZero();
    server.awaitStatus(product, customer);
  }
}
