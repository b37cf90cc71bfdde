package dev.hourmeter.starter;

import static org.assertj.core.api.Assertions.assertThat;

import dev.hourmeter.starter.CliTestServer.Result;
import io.temporal.client.WorkflowNotFoundException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code migrate}: a running legacy customer moves to CustomerAWSAccountId + LicenseArn and keeps
 * its workflow id ({@code status}, {@code usage}, {@code unsubscribe} by the legacy id keep
 * working, and by the license find it); {@code start} of that license does not start a second
 * workflow; the bulk form reports every line and exits non-zero when one failed.
 */
class MigrateCommandTest {

  private static final String QUEUE = "cli-migrate-test";
  private static final String ACCOUNT = "123456789012";

  private static CliTestServer server;

  @TempDir Path dir;

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

  private static String license(String id) {
    return "arn:aws:license-manager::123456789012:license/l-" + id.repeat(32 / id.length());
  }

  private static void startLegacy(String product, String customer) {
    Result started =
        server.run("start", "--product", product, "--customer", customer, "--dimension", "d");
    assertThat(started.code()).as(started.toString()).isZero();
    server.awaitStatus(product, customer);
  }

  private static boolean exists(String workflowId) {
    try {
      server.client().newUntypedWorkflowStub(workflowId).describe();
      return true;
    } catch (WorkflowNotFoundException e) {
      return false;
    }
  }

  private static Result migrate(String product, String customer, String account, String arn) {
    return server.run(
        "migrate",
        "--product",
        product,
        "--customer",
        customer,
        "--aws-account-id",
        account,
        "--license-arn",
        arn);
  }

  @Test
  void aMigratedCustomerKeepsItsIdAndIsFoundByItsLicenseButNeverStartedTwice() {
    String product = "prod-mig";
    String arn = license("a1");
    startLegacy(product, "cust-m1");

    Result migrated = migrate(product, "cust-m1", ACCOUNT, arn);
    Result again = migrate(product, "cust-m1", ACCOUNT, arn);
    Result other = migrate(product, "cust-m1", ACCOUNT, license("b2"));
    Result status = server.run("status", "--product", product, "--customer", "cust-m1");
    Result byLicense =
        server.run("status", "--product", product, "--customer", ACCOUNT, "--license-arn", arn);
    Result usage =
        server.run(
            "usage",
            "--product",
            product,
            "--customer",
            "cust-m1",
            "--dimension",
            "d",
            "--quantity",
            "2");
    Result usageByLicense =
        server.run(
            "usage",
            "--product",
            product,
            "--customer",
            ACCOUNT,
            "--license-arn",
            arn,
            "--dimension",
            "d",
            "--quantity",
            "3");
    Result secondStart =
        server.run(
            "start",
            "--product",
            product,
            "--customer",
            ACCOUNT,
            "--license-arn",
            arn,
            "--dimension",
            "d");
    Result list = server.run("list", "--license", arn);

    assertThat(migrated.code()).as(migrated.toString()).isZero();
    assertThat(migrated.out())
        .startsWith("migrated metering/prod-mig/cust-m1: records of period ")
        .contains("carry account " + ACCOUNT + " license " + arn);
    assertThat(again.code()).as(again.toString()).isZero();
    assertThat(again.out()).startsWith("already migrated metering/prod-mig/cust-m1 already meters");
    assertThat(other.code()).isEqualTo(ExitCodes.BAD_INPUT);
    assertThat(other.err()).contains("licenseArn: this workflow already meters account " + ACCOUNT);
    assertThat(status.code()).as(status.toString()).isZero();
    assertThat(status.out())
        .contains("workflow     metering/prod-mig/cust-m1\n")
        .contains("license      " + arn + "\n")
        .containsPattern("identity     migrated \\S+ from cust-m1 to account " + ACCOUNT);
    assertThat(byLicense.code()).as(byLicense.toString()).isZero();
    assertThat(byLicense.out()).contains("workflow     metering/prod-mig/cust-m1\n");
    assertThat(usage.code()).as(usage.toString()).isZero();
    assertThat(usageByLicense.code()).as(usageByLicense.toString()).isZero();
    assertThat(secondStart.code()).as(secondStart.toString()).isZero();
    assertThat(secondStart.out())
        .startsWith("already running (migrated to this license): metering/prod-mig/cust-m1");
    assertThat(exists("metering/prod-mig/" + ACCOUNT + "/" + arn.replace("/", "%2F")))
        .as("no second workflow for the license")
        .isFalse();
    assertThat(list.out()).contains("metering/prod-mig/cust-m1").contains(ACCOUNT);

    Result bye = server.run("unsubscribe", "--product", product, "--customer", "cust-m1");
    assertThat(bye.code()).as(bye.toString()).isZero();
  }

  @Test
  void refusalsNameTheFlagAndAMissingWorkflowExitsWith3() {
    String product = "prod-mig-refused";
    String arn = license("c3");
    startLegacy(product, "cust-r1");
    Result held =
        server.run(
            "start",
            "--product",
            product,
            "--customer",
            ACCOUNT,
            "--license-arn",
            arn,
            "--dimension",
            "d");
    assertThat(held.code()).as(held.toString()).isZero();

    Result badAccount = migrate(product, "cust-r1", "1234", arn);
    Result badArn = migrate(product, "cust-r1", ACCOUNT, "l-123");
    Result missing = migrate(product, "cust-none", ACCOUNT, license("d4"));
    Result taken = migrate(product, "cust-r1", ACCOUNT, arn);
    Result both = server.run("migrate", "--product", product, "--customer", "x", "--file", "m.csv");

    assertThat(badAccount.code()).isEqualTo(ExitCodes.BAD_INPUT);
    assertThat(badAccount.err()).startsWith("--aws-account-id: must be an AWS account id");
    assertThat(badArn.code()).isEqualTo(ExitCodes.BAD_INPUT);
    assertThat(badArn.err()).startsWith("--license-arn: must match AWS's LicenseArn pattern");
    assertThat(missing.code()).isEqualTo(ExitCodes.NOT_FOUND);
    assertThat(missing.err()).contains("no metering workflow metering/" + product + "/cust-none");
    assertThat(taken.code()).isEqualTo(ExitCodes.BAD_INPUT);
    assertThat(taken.err()).contains("--license-arn: " + arn + " is already metered by metering/");
    assertThat(both.code()).isEqualTo(ExitCodes.BAD_INPUT);
    assertThat(both.err()).startsWith("--file: give either");
  }

  @Test
  void theBulkFormReportsEveryLineAndFailsWhenOneDid() throws IOException {
    String product = "prod-mig-bulk";
    startLegacy(product, "cust-b1");
    startLegacy(product, "cust-b2");
    startLegacy(product, "cust,b3");
    assertThat(migrate(product, "cust-b2", ACCOUNT, license("e5")).code()).isZero();
    Path csv = dir.resolve("migrations.csv");
    Files.writeString(
        csv,
        String.join(
            "\n",
            "# moved on 2026-11-30",
            "customer,aws-account-id,license-arn",
            "cust-b1," + ACCOUNT + "," + license("f6"),
            "cust-b1," + ACCOUNT + "," + license("f6"),
            "cust-b2," + ACCOUNT + "," + license("e5"),
            "cust-none," + ACCOUNT + "," + license("a7"),
            "cust-b9,12," + license("a8"),
            "cust-b9," + ACCOUNT,
            "",
            "cust-b2," + ACCOUNT + "," + license("f6"),
            "\"cust,b3\"," + ACCOUNT + ",\"" + license("b9") + "\"",
            "\"cust-b4," + ACCOUNT,
            ""));

    Result bulk = server.run("migrate", "--product", product, "--file", csv.toString());

    assertThat(bulk.code()).as(bulk.toString()).isEqualTo(ExitCodes.BAD_INPUT);
    assertThat(bulk.out())
        .contains("line 3 cust-b1: migrated: metering/" + product + "/cust-b1: records of period")
        .contains("line 4 cust-b1: already migrated: ")
        .contains("line 5 cust-b2: already migrated: ")
        .contains("line 6 cust-none: no such workflow: no metering workflow metering/")
        .contains("line 7 cust-b9: invalid: aws-account-id: must be an AWS account id")
        .contains("line 8: invalid: line: expected 3 columns")
        .contains(
            "line 10 cust-b2: invalid: license-arn: also given on line 3 for customer cust-b1")
        .contains("line 11 cust,b3: migrated: metering/" + product + "/cust,b3")
        .contains("line 12: invalid: line: a quoted field is not closed")
        .contains(
            "9 line(s): 2 migrated, 2 already migrated, 1 no such workflow, 4 invalid, 0 failed");

    Path allGood = dir.resolve("again.csv");
    Files.writeString(
        allGood,
        "customer,aws-account-id,license-arn\r\ncust-b1," + ACCOUNT + "," + license("f6") + "\r\n");
    Result rerun = server.run("migrate", "--product", product, "--file", allGood.toString());
    assertThat(rerun.code()).as(rerun.toString()).isZero();
    assertThat(rerun.out()).contains("1 line(s): 0 migrated, 1 already migrated");

    Path noHeader = dir.resolve("bad.csv");
    Files.writeString(noHeader, "cust-b1," + ACCOUNT + "," + license("f6") + "\n");
    Result refused = server.run("migrate", "--product", product, "--file", noHeader.toString());
    assertThat(refused.code()).isEqualTo(ExitCodes.BAD_INPUT);
    assertThat(refused.err())
        .startsWith("--file: line 1: the header must be customer,aws-account-id,license-arn");
  }
}
