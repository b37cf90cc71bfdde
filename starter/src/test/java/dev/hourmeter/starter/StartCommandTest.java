package dev.hourmeter.starter;

import static org.assertj.core.api.Assertions.assertThat;

import dev.hourmeter.starter.CliTestServer.Result;
import dev.hourmeter.workflows.CustomerMeteringWorkflow;
import dev.hourmeter.workflows.MeteringOptions;
import dev.hourmeter.workflows.MeteringWorkflowIds;
import dev.hourmeter.workflows.model.api.CustomerId;
import dev.hourmeter.workflows.model.api.CustomerMeteringInput;
import dev.hourmeter.workflows.model.api.MeteringSubscription;
import dev.hourmeter.workflows.state.CloseOffset;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowOptions;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** {@code start}: workflow ids that cannot collide, and every documented bound of its flags. */
class StartCommandTest {

  private static final String QUEUE = "cli-start-test";

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
  void aSlashInProductOrCustomerNeverMakesTwoCustomersShareAWorkflow() {
    Result productWithSlash = start("a/b", "x4");
    Result customerWithSlash = start("a", "b/x4");
    Result list = server.run("list");

    assertThat(productWithSlash.code()).as(productWithSlash.toString()).isZero();
    assertThat(productWithSlash.out()).contains("started metering/a%2Fb/x4 ");
    assertThat(customerWithSlash.code()).as(customerWithSlash.toString()).isZero();
    assertThat(customerWithSlash.out()).contains("started metering/a/b%2Fx4 ");
    assertThat(list.out())
        .containsPattern("metering/a%2Fb/x4 +a/b +x4 ")
        .containsPattern("metering/a/b%2Fx4 +a +b/x4 ");
  }

  @Test
  void aCustomerRunningUnderItsIdFromBeforeEscapingKeepsIt() {
    MeteringSubscription subscription =
        MeteringSubscription.of(
            "legacy/product", CustomerId.parse("c-1"), List.of("requests"), null, null);
    String unescaped = MeteringWorkflowIds.unescapedForCustomer("legacy/product", "c-1");
    WorkflowOptions options =
        WorkflowOptions.newBuilder(MeteringOptions.customerWorkflow(QUEUE, subscription))
            .setWorkflowId(unescaped)
            .build();
    WorkflowClient.start(
        server.client().newWorkflowStub(CustomerMeteringWorkflow.class, options)::run,
        CustomerMeteringInput.start(subscription));

    Result result = start("legacy/product", "c-1");
    server.awaitStatus("legacy/product", "c-1");
    Result status = server.run("status", "--product", "legacy/product", "--customer", "c-1");

    assertThat(result.code()).as(result.toString()).isZero();
    assertThat(result.out().trim())
        .isEqualTo("already running (under its id from before escaping): " + unescaped);
    assertThat(status.code()).as(status.toString()).isZero();
    assertThat(status.out()).contains("workflow     " + unescaped + "\n");
  }

  static Stream<Arguments> outOfBounds() {
    return Stream.of(
        Arguments.of("--entitlement-max-age", List.of("--entitlement-max-age", "PT7H"), "PT6H"),
        Arguments.of(
            "--entitlement-max-age", List.of("--entitlement-max-age", "-PT1S"), "negative"),
        Arguments.of("--window", List.of("--window", "PT25H"), "at most PT24H"),
        Arguments.of("--window", List.of("--window", "PT59M"), "at least PT1H"),
        Arguments.of("--close-spread", List.of("--close-spread", "PT31M"), "at most half"),
        Arguments.of("--close-spread", List.of("--close-spread", "-PT1S"), "negative"),
        Arguments.of("--period", List.of("--period", "PT5S"), "at least PT10S"),
        Arguments.of("--period", List.of("--period", "PT7M"), "divide a day"),
        Arguments.of("--period", List.of("--period", "PT10.0005S"), "divide a day"),
        Arguments.of("--period", List.of("--period", "P2D"), "divide a day"),
        Arguments.of("--product", List.of("--product", "bad code!"), "[-a-zA-Z0-9/=:_.@]"),
        Arguments.of("--product", List.of("--product", "p".repeat(256)), "1-255"),
        Arguments.of("--product", List.of("--product", " "), "1-255"),
        Arguments.of("--customer", List.of("--customer", "  "), "blank"),
        Arguments.of("--customer", List.of("--customer", "c".repeat(256)), "255"),
        Arguments.of("--dimension", List.of("--dimension", " "), "1-255"),
        Arguments.of("--dimension", List.of("--dimension", "d".repeat(256)), "1-255"),
        Arguments.of("--dimension", List.of("--dimension", "requests"), "more than once"));
  }

  @ParameterizedTest(name = "{1}")
  @MethodSource("outOfBounds")
  void aFlagOutOfItsDocumentedBoundsIsRefusedNamingTheFlag(
      String flag, List<String> override, String reason) {
    List<String> args = new ArrayList<>(List.of("start", "--dimension", "requests"));
    if (!override.contains("--product")) {
      args.addAll(List.of("--product", "bounds-product"));
    }
    if (!override.contains("--customer")) {
      args.addAll(List.of("--customer", "bounds-" + Math.abs(override.hashCode())));
    }
    args.addAll(override);

    Result result = server.run(args.toArray(String[]::new));

    assertThat(result.code()).as(result.toString()).isEqualTo(2);
    assertThat(result.err()).startsWith(flag + ": ").contains(reason);
    assertThat(result.out()).isEmpty();
  }

  @Test
  void theBoundsThemselvesAreAccepted() {
    Result longest =
        server.run(
            "start",
            "--product",
            "p".repeat(255),
            "--customer",
            "c".repeat(255),
            "--dimension",
            "d".repeat(255),
            "--period",
            "PT10S",
            "--entitlement-max-age",
            "PT6H",
            "--window",
            "PT1M");
    Result day =
        start(
            "bounds-day",
            "c-day",
            "--period",
            "P1D",
            "--entitlement-max-age",
            "PT0S",
            "--window",
            "PT24H",
            "--close-spread",
            "PT12H");
    Result noSpread = start("bounds-spread", "c-none", "--close-spread", "PT0S");

    assertThat(longest.code()).as(longest.toString()).isZero();
    assertThat(day.code()).as(day.toString()).isZero();
    assertThat(noSpread.code()).as(noSpread.toString()).isZero();
  }

  @Test
  void statusShowsTheCustomersCloseOffsetInItsSpread() {
    Result started = start("spread-product", "c-spread", "--close-spread", "PT10M");
    server.awaitStatus("spread-product", "c-spread");
    Result status = server.run("status", "--product", "spread-product", "--customer", "c-spread");
    Result json =
        server.run("status", "--product", "spread-product", "--customer", "c-spread", "--json");

    Duration offset =
        CloseOffset.of(
            MeteringWorkflowIds.forCustomer("spread-product", CustomerId.parse("c-spread")),
            Duration.ofMinutes(10));
    assertThat(started.code()).as(started.toString()).isZero();
    assertThat(status.out())
        .contains(
            "close offset "
                + offset
                + " after each period's end plus grace (its place in the close spread)\n");
    assertThat(json.out()).contains("\"closeOffset\"");
  }

  private static Result start(String product, String customer, String... more) {
    List<String> args =
        new ArrayList<>(
            List.of(
                "start", "--product", product, "--customer", customer, "--dimension", "requests"));
    args.addAll(List.of(more));
    return server.run(args.toArray(String[]::new));
  }
}
