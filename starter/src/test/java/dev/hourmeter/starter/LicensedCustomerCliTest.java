package dev.hourmeter.starter;

import static org.assertj.core.api.Assertions.assertThat;

import dev.hourmeter.starter.CliTestServer.Result;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * {@code --license-arn} (Concurrent Agreements): two licenses of one account are two workflows,
 * found by {@code list --license} and shown by {@code status}; a license AWS would refuse is
 * refused with exit code 2 naming the flag.
 */
class LicensedCustomerCliTest {

  private static final String QUEUE = "cli-license-test";
  private static final String ACCOUNT = "123456789012";
  private static final String LICENSE_A =
      "arn:aws:license-manager::123456789012:license/l-0123456789abcdef0123456789abcdef";
  private static final String LICENSE_B =
      "arn:aws:license-manager::123456789012:license/l-fedcba9876543210fedcba9876543210";
  private static final String ID_A =
      "metering/prod-ca/123456789012/arn:aws:license-manager::123456789012:license%2F"
          + "l-0123456789abcdef0123456789abcdef";
  private static final String ID_B =
      "metering/prod-ca/123456789012/arn:aws:license-manager::123456789012:license%2F"
          + "l-fedcba9876543210fedcba9876543210";

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
  void twoLicensesOfOneAccountAreTwoWorkflowsListedAndShownWithTheirLicense() {
    Result a = start("prod-ca", ACCOUNT, LICENSE_A);
    Result b = start("prod-ca", ACCOUNT, LICENSE_B);
    Result again = start("prod-ca", ACCOUNT, LICENSE_A);
    server.awaitStatus("--product", "prod-ca", "--customer", ACCOUNT, "--license-arn", LICENSE_B);
    Result statusB =
        server.run(
            "status", "--product", "prod-ca", "--customer", ACCOUNT, "--license-arn", LICENSE_B);
    Result statusBJson =
        server.run(
            "status",
            "--product",
            "prod-ca",
            "--customer",
            ACCOUNT,
            "--license-arn",
            LICENSE_B,
            "--json");
    Result all = server.run("list", "--product", "prod-ca");
    Result onlyA = server.run("list", "--license", LICENSE_A);

    assertThat(a.code()).as(a.toString()).isZero();
    assertThat(a.out()).contains("started " + ID_A + " ").contains("license " + LICENSE_A + "\n");
    assertThat(b.code()).as(b.toString()).isZero();
    assertThat(b.out()).contains("started " + ID_B + " ");
    assertThat(again.out().trim()).isEqualTo("already running: " + ID_A);
    assertThat(statusB.code()).as(statusB.toString()).isZero();
    assertThat(statusB.out())
        .contains("workflow     " + ID_B + "\n")
        .contains("license      " + LICENSE_B + "\n");
    assertThat(statusBJson.code()).as(statusBJson.toString()).isZero();
    assertThat(statusBJson.out()).contains("\"licenseArn\" : \"" + LICENSE_B + "\"");
    assertThat(all.out())
        .containsPattern("WORKFLOW ID +PRODUCT +CUSTOMER +LICENSE +STATE +STATUS")
        .containsPattern(ID_A + " +prod-ca +" + ACCOUNT + " +" + LICENSE_A + " +ACTIVE +Running")
        .containsPattern(ID_B + " +prod-ca +" + ACCOUNT + " +" + LICENSE_B + " +ACTIVE +Running");
    assertThat(onlyA.code()).as(onlyA.toString()).isZero();
    assertThat(onlyA.out()).contains(ID_A).doesNotContain(ID_B);
  }

  @Test
  void theAccountWithoutLicenseIsAnotherWorkflowUnderItsUnchangedId() {
    Result unlicensed = start("prod-cb", ACCOUNT, null);
    server.awaitStatus("prod-cb", ACCOUNT);
    // Both at once would bill every hour twice (ProductCode and LicenseArn): refused, see
    // IdentityOverlapStartTest.
    Result licensed = start("prod-cb", ACCOUNT, LICENSE_A);
    Result status = server.run("status", "--product", "prod-cb", "--customer", ACCOUNT);
    Result statusJson =
        server.run("status", "--product", "prod-cb", "--customer", ACCOUNT, "--json");

    assertThat(licensed.code()).as(licensed.toString()).isEqualTo(ExitCodes.BAD_INPUT);
    assertThat(unlicensed.code()).as(unlicensed.toString()).isZero();
    assertThat(unlicensed.out())
        .contains("started metering/prod-cb/" + ACCOUNT + " ")
        .doesNotContain("  license ");
    assertThat(status.code()).as(status.toString()).isZero();
    assertThat(status.out())
        .contains("workflow     metering/prod-cb/" + ACCOUNT + "\n")
        .doesNotContain("license ");
    assertThat(statusJson.code()).as(statusJson.toString()).isZero();
    assertThat(statusJson.out())
        .contains("\"workflowId\" : \"metering/prod-cb/" + ACCOUNT + "\"")
        .doesNotContain("licenseArn");
  }

  static Stream<Arguments> refusedLicenses() {
    return Stream.of(
        Arguments.of("legacy-customer", LICENSE_A, "needs --customer to be an AWS account id"),
        Arguments.of(ACCOUNT, "l-0123456789abcdef", "must match AWS's LicenseArn pattern"),
        Arguments.of(ACCOUNT, "arn:aws:license-manager", "must match AWS's LicenseArn pattern"),
        Arguments.of(ACCOUNT, "arn:aws:lm::1:'quoted'", "must match AWS's LicenseArn pattern"),
        Arguments.of(ACCOUNT, " ", "must not be blank"),
        Arguments.of(ACCOUNT, LICENSE_A + "/" + "x".repeat(500), "at most 512 characters"));
  }

  @ParameterizedTest(name = "{0} {1}")
  @MethodSource("refusedLicenses")
  void aLicenseAwsWouldRefuseIsRefusedNamingTheFlag(
      String customer, String license, String reason) {
    Result result = start("prod-refused", customer, license);

    assertThat(result.code()).as(result.toString()).isEqualTo(ExitCodes.BAD_INPUT);
    assertThat(result.err()).startsWith("--license-arn: ").contains(reason);
    assertThat(result.out()).isEmpty();
  }

  @Test
  void listRefusesALicenseThatIsNotAnArn() {
    Result result = server.run("list", "--license", "l-0123' OR '1'='1");

    assertThat(result.code()).isEqualTo(ExitCodes.BAD_INPUT);
    assertThat(result.err()).startsWith("--license: must match AWS's LicenseArn pattern");
  }

  private static Result start(String product, String customer, String license) {
    List<String> args =
        new ArrayList<>(
            List.of("start", "--product", product, "--customer", customer, "--dimension", "d"));
    if (license != null) {
      args.addAll(List.of("--license-arn", license));
    }
    return server.run(args.toArray(String[]::new));
  }
}
