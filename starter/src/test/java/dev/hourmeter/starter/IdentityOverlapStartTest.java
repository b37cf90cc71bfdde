package dev.hourmeter.starter;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.Timestamp;
import dev.hourmeter.starter.CliTestServer.Result;
import dev.hourmeter.workflows.MeteringWorkflowIds;
import io.temporal.client.WorkflowNotFoundException;
import java.io.IOException;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * {@code start} never makes AWS bill an account's hour twice, once under ProductCode (no license)
 * and once under LicenseArn: it refuses, exit 2, a license while a workflow of the same product
 * meters the account without one (running, or closed too recently: the cut-over rule), and the
 * account without a license while a workflow meters one of its licenses. A migrated workflow counts
 * as licensed. On the in-process server (no visibility query) the workflows are found by the
 * fallback that lists them.
 */
class IdentityOverlapStartTest {

  private static final String QUEUE = "cli-overlap-test";
  private static final String ACCOUNT = "123456789012";
  private static final String OTHER_ACCOUNT = "210987654321";

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

  private static String license(String account, String id) {
    return "arn:aws:license-manager::" + account + ":license/l-" + id.repeat(32 / id.length());
  }

  @Test
  void aLicenseIsRefusedWhileTheAccountRunsWithoutOne() {
    String product = "prod-ov-a";
    String arn = license(ACCOUNT, "a1");
    Result unlicensed = start(product, ACCOUNT, null);
    Result otherAccount = start(product, OTHER_ACCOUNT, null);
    server.awaitStatus(product, ACCOUNT);

    Result licensed = start(product, ACCOUNT, arn);
    Result otherProduct = start("prod-ov-a2", ACCOUNT, arn);

    assertThat(unlicensed.code()).as(unlicensed.toString()).isZero();
    assertThat(otherAccount.code()).as(otherAccount.toString()).isZero();
    assertThat(licensed.code()).as(licensed.toString()).isEqualTo(ExitCodes.BAD_INPUT);
    assertThat(licensed.out()).isEmpty();
    assertThat(licensed.err())
        .startsWith("not started: metering/prod-ov-a/" + ACCOUNT + " meters account " + ACCOUNT)
        .contains("without a license (ProductCode)")
        .contains("AWS would bill every hour twice")
        .contains(
            "./hourmeter migrate --product prod-ov-a --customer "
                + ACCOUNT
                + " --aws-account-id "
                + ACCOUNT
                + " --license-arn "
                + arn)
        .contains("unsubscribe")
        .contains("has closed")
        .doesNotContain(OTHER_ACCOUNT);
    assertThat(exists(MeteringWorkflowIds.forCustomer(product, ACCOUNT, arn))).isFalse();
    assertThat(otherProduct.code()).as(otherProduct.toString()).isZero();
  }

  @Test
  void theAccountWithoutLicenseIsRefusedWhileOneOfItsLicensesRuns() {
    String product = "prod-ov-b";
    String arn = license(ACCOUNT, "b2");
    Result licensed = start(product, ACCOUNT, arn);
    server.awaitStatus("--product", product, "--customer", ACCOUNT, "--license-arn", arn);

    Result unlicensed = start(product, ACCOUNT, null);
    Result otherAccount = start(product, OTHER_ACCOUNT, null);
    Result legacy = start(product, "legacy-ov-b", null);

    assertThat(licensed.code()).as(licensed.toString()).isZero();
    assertThat(unlicensed.code()).as(unlicensed.toString()).isEqualTo(ExitCodes.BAD_INPUT);
    assertThat(unlicensed.out()).isEmpty();
    assertThat(unlicensed.err())
        .startsWith(
            "not started: account "
                + ACCOUNT
                + " of product prod-ov-b is metered under a license by "
                + MeteringWorkflowIds.forCustomer(product, ACCOUNT, arn)
                + " ("
                + arn
                + ")")
        .contains("AWS would bill every hour twice")
        .contains("unsubscribe")
        .contains("has closed");
    assertThat(exists(MeteringWorkflowIds.forCustomer(product, ACCOUNT, null))).isFalse();
    assertThat(otherAccount.code()).as(otherAccount.toString()).isZero();
    assertThat(legacy.code()).as(legacy.toString()).isZero();
  }

  @Test
  void aMigratedWorkflowCountsAsLicensed() {
    String product = "prod-ov-m";
    String arn = license(ACCOUNT, "c3");
    Result legacy = start(product, "legacy-ov-m", null);
    server.awaitStatus(product, "legacy-ov-m");
    Result migrated =
        server.run(
            "migrate",
            "--product",
            product,
            "--customer",
            "legacy-ov-m",
            "--aws-account-id",
            ACCOUNT,
            "--license-arn",
            arn);

    Result sameLicense = start(product, ACCOUNT, arn);
    Result otherLicense = start(product, ACCOUNT, license(ACCOUNT, "d4"));
    Result unlicensed = start(product, ACCOUNT, null);

    assertThat(legacy.code()).as(legacy.toString()).isZero();
    assertThat(migrated.code()).as(migrated.toString()).isZero();
    assertThat(sameLicense.code()).as(sameLicense.toString()).isZero();
    assertThat(sameLicense.out().trim())
        .isEqualTo(
            "already running (migrated to this license): metering/prod-ov-m/legacy-ov-m meters "
                + arn
                + "; not started");
    assertThat(otherLicense.code()).as(otherLicense.toString()).isZero();
    assertThat(otherLicense.out()).startsWith("started ");
    assertThat(unlicensed.code()).as(unlicensed.toString()).isEqualTo(ExitCodes.BAD_INPUT);
    assertThat(unlicensed.err())
        .startsWith("not started: account " + ACCOUNT + " of product prod-ov-m")
        .contains("metering/prod-ov-m/legacy-ov-m (" + arn + ")")
        .contains(MeteringWorkflowIds.forCustomer(product, ACCOUNT, license(ACCOUNT, "d4")));
  }

  @Test
  void anAccountWorkflowMigratedToALicenseIsStillAlreadyRunningUnderItsOwnId() {
    String product = "prod-ov-s";
    String arn = license(ACCOUNT, "e5");
    Result unlicensed = start(product, ACCOUNT, null);
    server.awaitStatus(product, ACCOUNT);
    Result migrated =
        server.run(
            "migrate",
            "--product",
            product,
            "--customer",
            ACCOUNT,
            "--aws-account-id",
            ACCOUNT,
            "--license-arn",
            arn);

    Result again = start(product, ACCOUNT, null);
    Result sameLicense = start(product, ACCOUNT, arn);

    assertThat(unlicensed.code()).as(unlicensed.toString()).isZero();
    assertThat(migrated.code()).as(migrated.toString()).isZero();
    assertThat(again.code()).as(again.toString()).isZero();
    assertThat(again.out().trim()).isEqualTo("already running: metering/prod-ov-s/" + ACCOUNT);
    assertThat(sameLicense.code()).as(sameLicense.toString()).isZero();
    assertThat(sameLicense.out())
        .startsWith("already running (migrated to this license): metering/prod-ov-s/" + ACCOUNT);
  }

  @Test
  void aLicenseIsRefusedUntilTheHourAfterTheUnlicensedWorkflowClosed() throws Exception {
    String product = "prod-ov-c";
    String arn = license(ACCOUNT, "f6");
    String unlicensedId = MeteringWorkflowIds.forCustomer(product, ACCOUNT, null);
    awayFromAnHourBoundary();
    Result unlicensed = start(product, ACCOUNT, null);
    server.awaitStatus(product, ACCOUNT);
    server.client().newUntypedWorkflowStub(unlicensedId).terminate("test: closed by hand");
    Timestamp closeTime =
        server
            .client()
            .newUntypedWorkflowStub(unlicensedId)
            .describe()
            .getWorkflowExecutionInfo()
            .getCloseTime();
    Instant closedAt = Instant.ofEpochSecond(closeTime.getSeconds(), closeTime.getNanos());
    Instant nextHour = closedAt.truncatedTo(ChronoUnit.HOURS).plus(1, ChronoUnit.HOURS);

    Result hourly = start(product, ACCOUNT, arn);
    Result daily = start(product, ACCOUNT, arn, "--period", "P1D");
    Result otherAccount = start(product, OTHER_ACCOUNT, license(OTHER_ACCOUNT, "f6"));

    assertThat(unlicensed.code()).as(unlicensed.toString()).isZero();
    assertThat(hourly.code()).as(hourly.toString()).isEqualTo(ExitCodes.BAD_INPUT);
    assertThat(hourly.out()).isEmpty();
    assertThat(hourly.err())
        .startsWith(
            "not started: "
                + unlicensedId
                + ", which metered account "
                + ACCOUNT
                + " of product prod-ov-c without a license (ProductCode), closed at ")
        .contains("AWS would bill")
        .contains("twice")
        .contains("start this license at or after " + nextHour);
    assertThat(daily.code()).as(daily.toString()).isEqualTo(ExitCodes.BAD_INPUT);
    assertThat(daily.err())
        .contains(
            "start this license at or after "
                + closedAt.truncatedTo(ChronoUnit.DAYS).plusSeconds(86_400));
    assertThat(exists(MeteringWorkflowIds.forCustomer(product, ACCOUNT, arn))).isFalse();
    assertThat(otherAccount.code()).as(otherAccount.toString()).isZero();
  }

  /**
   * Waits, when the next hour begins within 10 s, until it has begun: close and start in one hour.
   */
  private static void awayFromAnHourBoundary() throws InterruptedException {
    Instant now = Instant.now();
    Instant next = now.truncatedTo(ChronoUnit.HOURS).plus(1, ChronoUnit.HOURS);
    if (now.plusSeconds(10).isAfter(next)) {
      Thread.sleep(next.toEpochMilli() - now.toEpochMilli() + 100);
    }
  }

  private static boolean exists(String workflowId) {
    try {
      server.client().newUntypedWorkflowStub(workflowId).describe();
      return true;
    } catch (WorkflowNotFoundException e) {
      return false;
    }
  }

  private static Result start(String product, String customer, String license, String... more) {
    List<String> args =
        new ArrayList<>(
            List.of("start", "--product", product, "--customer", customer, "--dimension", "d"));
    if (license != null) {
      args.addAll(List.of("--license-arn", license));
    }
    args.addAll(List.of(more));
    return server.run(args.toArray(String[]::new));
  }
}
