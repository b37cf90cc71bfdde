package dev.hourmeter.starter;

import static org.assertj.core.api.Assertions.assertThat;

import dev.hourmeter.starter.CliTestServer.Result;
import java.io.IOException;
import java.net.ServerSocket;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The client commands against a real in-process Temporal server (port-bound, real time) with a
 * worker running the customer workflow. No period closes during the test (PT1H), so no activity is
 * needed.
 */
class UsageCommandTest {

  private static final String QUEUE = "cli-test";
  private static final String PRODUCT = "cli-product";
  private static final String CUSTOMER = "cli-customer-1";

  private static CliTestServer server;

  @BeforeAll
  static void startServerAndWorker() throws IOException {
    server = CliTestServer.start(QUEUE);
    Result started =
        run(
            "start",
            "--product",
            PRODUCT,
            "--customer",
            CUSTOMER,
            "--dimension",
            "requests",
            "--dimension",
            "gb-hours",
            "--period",
            "PT1H");
    assertThat(started.code()).as(started.toString()).isZero();
    assertThat(started.out()).contains("started metering/" + PRODUCT + "/" + CUSTOMER);
    // Let the workflow run its first task before the tests send updates (the status query answers
    // then).
    server.awaitStatus(PRODUCT, CUSTOMER);
  }

  @AfterAll
  static void stop() throws InterruptedException {
    if (server != null) {
      server.close();
    }
  }

  @Test
  void negativeQuantityIsRefusedLocallyNamingTheFlag() {
    Result result =
        run(
            "usage",
            "--product",
            PRODUCT,
            "--customer",
            CUSTOMER,
            "--dimension",
            "requests",
            "--quantity",
            "-1");

    assertThat(result.code()).as(result.toString()).isEqualTo(2);
    assertThat(result.err()).contains("--quantity").contains("must be >= 0");
    assertThat(result.out()).isEmpty();
  }

  @Test
  void unparseableTimestampIsRefusedLocallyNamingTheFlag() {
    Result result =
        run(
            "usage",
            "--product",
            PRODUCT,
            "--customer",
            CUSTOMER,
            "--dimension",
            "requests",
            "--quantity",
            "1",
            "--at",
            "yesterday");

    assertThat(result.code()).as(result.toString()).isEqualTo(2);
    assertThat(result.err()).contains("--at").contains("'yesterday'");
  }

  @Test
  void unknownDimensionIsRefusedByTheWorkflowValidator() {
    Result result =
        run(
            "usage",
            "--product",
            PRODUCT,
            "--customer",
            CUSTOMER,
            "--dimension",
            "cpu-hours",
            "--quantity",
            "3");

    assertThat(result.code()).as(result.toString()).isEqualTo(2);
    assertThat(result.err())
        .contains("usage refused")
        .contains("dimension")
        .contains("'cpu-hours' is not one of [gb-hours, requests]");
  }

  @Test
  void aBadTagIsRefusedLocallyNamingTheTag() {
    Result result =
        run(
            "usage",
            "--product",
            PRODUCT,
            "--customer",
            CUSTOMER,
            "--dimension",
            "requests",
            "--quantity",
            "1",
            "--tag",
            "team=a?b");

    assertThat(result.code()).as(result.toString()).isEqualTo(2);
    assertThat(result.err()).contains("--tag.team: value 'a?b' has a character");
    assertThat(
            run(
                    "usage",
                    "--product",
                    PRODUCT,
                    "--customer",
                    CUSTOMER,
                    "--dimension",
                    "requests",
                    "--quantity",
                    "1",
                    "--tag",
                    "novalue")
                .err())
        .contains("--tag: 'novalue' is not KEY=VALUE");
  }

  @Test
  void taggedUsageIsAccepted() {
    // Its own customer: the other tests read this one's open-period totals.
    String tagged = "cli-customer-tags";
    Result started =
        run(
            "start",
            "--product",
            PRODUCT,
            "--customer",
            tagged,
            "--dimension",
            "requests",
            "--period",
            "PT1H");
    assertThat(started.code()).as(started.toString()).isZero();
    server.awaitStatus(PRODUCT, tagged);

    Result result =
        run(
            "usage",
            "--product",
            PRODUCT,
            "--customer",
            tagged,
            "--dimension",
            "requests",
            "--quantity",
            "2",
            "--id",
            "tagged-1",
            "--tag",
            "team=a",
            "--tag",
            "env=prod");

    assertThat(result.code()).as(result.toString()).isZero();
    assertThat(result.out()).contains("accepted report tagged-1: 2 requests");
  }

  @Test
  void futureTimestampIsRefusedByTheWorkflowValidator() {
    Result result =
        run(
            "usage",
            "--product",
            PRODUCT,
            "--customer",
            CUSTOMER,
            "--dimension",
            "requests",
            "--quantity",
            "3",
            "--at",
            "2999-01-01T00:00:00Z");

    assertThat(result.code()).as(result.toString()).isEqualTo(2);
    assertThat(result.err()).contains("timestamp").contains("in the future");
  }

  @Test
  void malformedQuantityIsAPicocliUsageError() {
    Result result =
        run(
            "usage",
            "--product",
            PRODUCT,
            "--customer",
            CUSTOMER,
            "--dimension",
            "requests",
            "--quantity",
            "lots");

    assertThat(result.code()).as(result.toString()).isEqualTo(2);
    assertThat(result.err()).contains("--quantity");
  }

  @Test
  void validUsageIsAcceptedOnceAndShowsInStatus() {
    Result first =
        run(
            "usage",
            "--product",
            PRODUCT,
            "--customer",
            CUSTOMER,
            "--dimension",
            "gb-hours",
            "--quantity",
            "7",
            "--id",
            "report-42");
    Result again =
        run(
            "usage",
            "--product",
            PRODUCT,
            "--customer",
            CUSTOMER,
            "--dimension",
            "gb-hours",
            "--quantity",
            "7",
            "--id",
            "report-42");
    Result status = run("status", "--product", PRODUCT, "--customer", CUSTOMER);
    Result json = run("status", "--product", PRODUCT, "--customer", CUSTOMER, "--json");

    assertThat(first.code()).as(first.toString()).isZero();
    assertThat(first.out()).contains("accepted report report-42");
    assertThat(again.code()).as(again.toString()).isZero();
    assertThat(again.out()).contains("duplicate report report-42");
    assertThat(status.code()).as(status.toString()).isZero();
    assertThat(status.out()).contains("ACTIVE").contains("gb-hours=7");
    assertThat(json.out()).contains("\"state\" : \"ACTIVE\"").contains("\"period\" : \"PT1H\"");
  }

  @Test
  void decimalUsageIsAddedExactlyAndShownAsADecimal() {
    Result quarter = usage("requests", "0.25", "decimal-1");
    Result fraction = usage("requests", "17.420", "decimal-2");
    Result whole = usage("requests", "3", "decimal-3");
    Result tooPrecise = usage("requests", "0.1234567", "decimal-4");
    Result status = run("status", "--product", PRODUCT, "--customer", CUSTOMER);
    Result json = run("status", "--product", PRODUCT, "--customer", CUSTOMER, "--json");

    assertThat(quarter.code()).as(quarter.toString()).isZero();
    assertThat(quarter.out()).contains("accepted report decimal-1: 0.25 requests");
    assertThat(fraction.out()).contains("accepted report decimal-2: 17.42 requests");
    assertThat(whole.code()).as(whole.toString()).isZero();
    assertThat(tooPrecise.code()).as(tooPrecise.toString()).isEqualTo(2);
    assertThat(tooPrecise.err())
        .contains("--quantity: at most 6 decimal places are accepted, got 0.1234567");
    assertThat(status.out()).contains("requests=20.67");
    assertThat(json.out()).contains("\"requests\" : 20.67");
  }

  private static Result usage(String dimension, String quantity, String id) {
    return run(
        "usage",
        "--product",
        PRODUCT,
        "--customer",
        CUSTOMER,
        "--dimension",
        dimension,
        "--quantity",
        quantity,
        "--id",
        id);
  }

  @Test
  void startingARunningCustomerAgainIsANoOp() {
    Result result =
        run("start", "--product", PRODUCT, "--customer", CUSTOMER, "--dimension", "requests");

    assertThat(result.code()).as(result.toString()).isZero();
    assertThat(result.out().trim())
        .isEqualTo("already running: metering/" + PRODUCT + "/" + CUSTOMER);
  }

  @Test
  void aBadEntitlementMaxAgeIsRefusedNamingTheFlagAndAGoodOneStarts() {
    Result unparseable =
        run(
            "start",
            "--product",
            PRODUCT,
            "--customer",
            "cli-customer-2",
            "--dimension",
            "requests",
            "--entitlement-max-age",
            "six hours");
    Result negative =
        run(
            "start",
            "--product",
            PRODUCT,
            "--customer",
            "cli-customer-2",
            "--dimension",
            "requests",
            "--entitlement-max-age",
            "-PT1H");
    Result good =
        run(
            "start",
            "--product",
            PRODUCT,
            "--customer",
            "cli-customer-2",
            "--dimension",
            "requests",
            "--entitlement-max-age",
            "PT2H");

    assertThat(unparseable.code()).as(unparseable.toString()).isEqualTo(2);
    assertThat(unparseable.err()).contains("--entitlement-max-age").contains("six hours");
    assertThat(negative.code()).as(negative.toString()).isEqualTo(2);
    assertThat(negative.err()).contains("--entitlement-max-age").contains("negative");
    assertThat(good.code()).as(good.toString()).isZero();
    assertThat(good.out()).contains("started metering/" + PRODUCT + "/cli-customer-2");
  }

  @Test
  void unknownWorkflowExitsWith3() {
    Result result =
        run(
            "usage",
            "--product",
            PRODUCT,
            "--customer",
            "nobody",
            "--dimension",
            "requests",
            "--quantity",
            "1");

    assertThat(result.code()).as(result.toString()).isEqualTo(3);
    assertThat(result.err()).contains("no metering workflow metering/" + PRODUCT + "/nobody");
    assertThat(result.out()).isEmpty();
  }

  @Test
  void listFallsBackWhenTheServerLacksVisibilityQueries() {
    Result result = run("list", "--product", PRODUCT);

    assertThat(result.code()).as(result.toString()).isZero();
    assertThat(result.out()).contains("metering/" + PRODUCT + "/" + CUSTOMER).contains("Running");
  }

  @Test
  void unreachableServerIsOneClearLine() throws IOException {
    int closedPort;
    try (ServerSocket socket = new ServerSocket(0)) {
      closedPort = socket.getLocalPort();
    }
    Result result =
        CliTestServer.runWith(
            Map.of("TEMPORAL_ADDRESS", "127.0.0.1:" + closedPort),
            "status",
            "--product",
            PRODUCT,
            "--customer",
            CUSTOMER);

    assertThat(result.code()).as(result.toString()).isEqualTo(1);
    assertThat(result.err())
        .contains("cannot reach Temporal at 127.0.0.1:" + closedPort)
        .doesNotContain("\tat ");
  }

  private static Result run(String... args) {
    return server.run(args);
  }
}
