package dev.hourmeter.starter;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

/** The bulk migration file and the checks of one migration's input, naming the field. */
class MigrationCsvTest {

  private static final String ARN =
      "arn:aws:license-manager::123456789012:license/l-0123456789abcdef0123456789abcdef";

  @Test
  void readsQuotedFieldsAndSkipsBlankAndCommentLines() {
    List<MigrationCsv.Line> lines =
        MigrationCsv.parse(
            "\uFEFF# a comment\n Customer , AWS-Account-Id,license-arn\r\n\n"
                + "c1, 123456789012 ,"
                + ARN
                + "\n\"c,2\",123456789012,\"arn:aws:x::1:lic,with \"\"comma\"\"\"\n");

    assertThat(lines)
        .extracting(
            MigrationCsv.Line::number,
            MigrationCsv.Line::customer,
            MigrationCsv.Line::awsAccountId,
            MigrationCsv.Line::licenseArn)
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple(4, "c1", "123456789012", ARN),
            org.assertj.core.groups.Tuple.tuple(
                5, "c,2", "123456789012", "arn:aws:x::1:lic,with \"comma\""));
    assertThat(lines).allMatch(l -> l.problem() == null);
  }

  @Test
  void aBadLineIsInvalidOnItsOwnAndAMissingHeaderRefusesTheFile() {
    List<MigrationCsv.Line> lines =
        MigrationCsv.parse(
            "customer,aws-account-id,license-arn\nc1,123456789012\n\"c2,123456789012,x\n"
                + "c3,123456789012,"
                + ARN
                + ",extra\n");

    assertThat(lines).extracting(MigrationCsv.Line::number).containsExactly(2, 3, 4);
    assertThat(lines.get(0).problem()).startsWith("line: expected 3 columns").contains("got 2");
    assertThat(lines.get(1).problem()).isEqualTo("line: a quoted field is not closed");
    assertThat(lines.get(2).problem()).contains("got 4");
    assertThatThrownBy(() -> MigrationCsv.parse("c1,123456789012," + ARN + "\n"))
        .hasMessageStartingWith("line 1: the header must be customer,aws-account-id,license-arn");
    assertThatThrownBy(() -> MigrationCsv.parse("\n# nothing\n"))
        .hasMessageContaining("no header line");
    assertThat(MigrationCsv.parse("customer,aws-account-id,license-arn")).isEmpty();
  }

  @Test
  void inputProblemsNameTheFieldWithTheGivenPrefix() {
    assertThat(CustomerMigrator.problems("--", "c1", "123456789012", ARN)).isEmpty();
    assertThat(CustomerMigrator.problems("", " ", "12345678901", "l-0123"))
        .containsExactly(
            "customer: must not be blank",
            "aws-account-id: must be an AWS account id of 12 digits, got '12345678901'",
            "license-arn: must match AWS's LicenseArn pattern arn:aws...:<service>:<region>:"
                + "<account>:<resource> (such as arn:aws:license-manager::123456789012:license/"
                + "l-0123...), got 'l-0123'");
    assertThat(CustomerMigrator.problems("--", "x".repeat(256), null, ARN))
        .containsExactly(
            "--customer: customerIdentifier is longer than 255 characters",
            "--aws-account-id: must be an AWS account id of 12 digits, got 'null'");
    assertThat(CustomerMigrator.problems("--", "c1", "123456789012", ARN + "/" + "x".repeat(600)))
        .singleElement()
        .asString()
        .startsWith("--license-arn: must be at most 512 characters");
  }

  @Test
  void everyFlagOfMigrateIsDocumented() throws java.io.IOException {
    String configuration =
        java.nio.file.Files.readString(java.nio.file.Path.of("..", "docs", "configuration.md"));
    String cliReference =
        java.nio.file.Files.readString(java.nio.file.Path.of("..", "docs", "cli.md"));
    var migrate =
        StarterMain.commandLine(java.util.Map.of())
            .getSubcommands()
            .get("migrate")
            .getCommandSpec();
    for (var option : migrate.options()) {
      if (option.usageHelp() || option.versionHelp()) {
        continue;
      }
      if (migrate.mixins().values().stream()
          .anyMatch(
              m ->
                  m.options().stream()
                      .anyMatch(o -> o.longestName().equals(option.longestName())))) {
        continue; // the Temporal connection settings, documented with every client command
      }
      assertThat(configuration)
          .as("docs/configuration.md documents migrate %s", option.longestName())
          .contains("`" + option.longestName());
    }
    assertThat(cliReference)
        .contains("./hourmeter migrate --product")
        .contains("--file migrations.csv");
  }
}
