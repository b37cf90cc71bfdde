package dev.hourmeter.starter;

import dev.hourmeter.client.TemporalConnection;
import dev.hourmeter.starter.CustomerMigrator.Kind;
import dev.hourmeter.starter.CustomerMigrator.Outcome;
import dev.hourmeter.workflows.model.api.MeteringSubscription;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(
    name = "migrate",
    mixinStandardHelpOptions = true,
    description = {
      "Move running customers to CustomerAWSAccountId + LicenseArn (Concurrent Agreements) from their"
          + " first period not yet submitted, through the workflow's validating update"
          + " `migrateIdentity`. The workflow keeps its id.",
      "One customer: --customer, --aws-account-id and --license-arn. Many: --file with the CSV"
          + " columns customer,aws-account-id,license-arn (header line; one product per file);"
          + " each line is reported, and the exit code is non-zero when any line failed."
    })
final class MigrateCommand extends ClientCommand {

  @Option(
      names = "--product",
      required = true,
      paramLabel = "CODE",
      description = "AWS Marketplace product code of the customers.")
  String product;

  @Option(
      names = "--customer",
      paramLabel = "ID",
      description = "The customer as its workflow was started: the legacy CustomerIdentifier.")
  String customer;

  @Option(
      names = "--aws-account-id",
      paramLabel = "ACCOUNT",
      description = "The customer's AWS account id (12 digits), sent as CustomerAWSAccountId.")
  String awsAccountId;

  @Option(
      names = "--license-arn",
      paramLabel = "ARN",
      description =
          "The LicenseArn AWS granted the customer's agreement (AWS's LicenseArn pattern).")
  String licenseArn;

  @Option(
      names = "--file",
      paramLabel = "CSV",
      description =
          "Migrate every line of this CSV file (header customer,aws-account-id,license-arn) instead.")
  Path file;

  @Override
  protected String workflowId() {
    return null; // "not found" is an outcome here, reported per customer
  }

  @Override
  protected int run(TemporalConnection temporal) {
    String productCode = product.trim();
    String productProblem = MeteringSubscription.productCodeProblem(productCode);
    if (productProblem != null) {
      throw CliException.badInput("--product: " + productProblem);
    }
    boolean single = customer != null || awsAccountId != null || licenseArn != null;
    if (file != null && single) {
      throw CliException.badInput(
          "--file: give either --file or --customer/--aws-account-id/--license-arn, not both");
    }
    CustomerMigrator migrator = new CustomerMigrator(temporal, productCode);
    return file != null ? runFile(migrator) : runOne(migrator);
  }

  private int runOne(CustomerMigrator migrator) {
    List<String> problems =
        CustomerMigrator.problems("--", trim(customer), trim(awsAccountId), trim(licenseArn));
    if (!problems.isEmpty()) {
      throw CliException.badInput(String.join("; ", problems));
    }
    Outcome outcome = migrator.migrate(trim(customer), trim(awsAccountId), trim(licenseArn), "--");
    switch (outcome.kind()) {
      case MIGRATED, ALREADY_MIGRATED -> {
        out().println(outcome.kind().label + " " + outcome.detail());
        return ExitCodes.OK;
      }
      case NOT_FOUND -> throw new CliException(ExitCodes.NOT_FOUND, outcome.detail());
      default -> throw CliException.badInput("migration refused: " + outcome.detail());
    }
  }

  private int runFile(CustomerMigrator migrator) {
    List<MigrationCsv.Line> lines;
    try {
      lines = MigrationCsv.parse(Files.readString(file, StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw CliException.badInput("--file: cannot read " + file + ": " + e.getMessage());
    } catch (IllegalArgumentException e) {
      throw CliException.badInput("--file: " + e.getMessage());
    }
    Map<Kind, Integer> counts = new EnumMap<>(Kind.class);
    int failed = 0;
    Map<String, MigrationCsv.Line> licenses = new HashMap<>();
    for (MigrationCsv.Line line : lines) {
      Outcome outcome;
      try {
        outcome = migrateLine(migrator, line, licenses);
      } catch (RuntimeException e) {
        Status.Code code = ClientCommand.grpcCode(e);
        if (code == Status.Code.UNAVAILABLE || code == Status.Code.DEADLINE_EXCEEDED) {
          out().println("line " + line.number() + ": stopped, Temporal unreachable");
          throw e; // nothing later can succeed: one clear error, exit code 1
        }
        outcome = null;
        out().println("line " + line.number() + ": failed: " + grpcMessage(e));
        failed++;
      }
      if (outcome != null) {
        counts.merge(outcome.kind(), 1, Integer::sum);
        out().println(report(line, outcome));
      }
    }
    out()
        .printf(
            "%d line(s): %d migrated, %d already migrated, %d no such workflow, %d invalid, %d"
                + " failed%n",
            lines.size(),
            counts.getOrDefault(Kind.MIGRATED, 0),
            counts.getOrDefault(Kind.ALREADY_MIGRATED, 0),
            counts.getOrDefault(Kind.NOT_FOUND, 0),
            counts.getOrDefault(Kind.INVALID, 0),
            failed);
    if (failed > 0) {
      return ExitCodes.ERROR;
    }
    if (counts.getOrDefault(Kind.INVALID, 0) > 0) {
      return ExitCodes.BAD_INPUT;
    }
    return counts.getOrDefault(Kind.NOT_FOUND, 0) > 0 ? ExitCodes.NOT_FOUND : ExitCodes.OK;
  }

  private static Outcome migrateLine(
      CustomerMigrator migrator, MigrationCsv.Line line, Map<String, MigrationCsv.Line> licenses) {
    if (line.problem() != null) {
      return new Outcome(Kind.INVALID, null, line.problem());
    }
    List<String> problems =
        CustomerMigrator.problems("", line.customer(), line.awsAccountId(), line.licenseArn());
    if (!problems.isEmpty()) {
      return new Outcome(Kind.INVALID, null, String.join("; ", problems));
    }
    MigrationCsv.Line earlier = licenses.putIfAbsent(line.licenseArn(), line);
    if (earlier != null && !earlier.customer().equals(line.customer())) {
      return new Outcome(
          Kind.INVALID,
          null,
          "license-arn: also given on line "
              + earlier.number()
              + " for customer "
              + earlier.customer()
              + " (one license, one customer)");
    }
    return migrator.migrate(line.customer(), line.awsAccountId(), line.licenseArn(), "");
  }

  private static String report(MigrationCsv.Line line, Outcome outcome) {
    String who = line.customer() == null ? "" : " " + line.customer();
    return "line " + line.number() + who + ": " + outcome.kind().label + ": " + outcome.detail();
  }

  /** The service's error ("INTERNAL: ...") when Temporal refused; else the exception. */
  private static String grpcMessage(RuntimeException e) {
    for (Throwable cause = e; cause != null; cause = cause.getCause()) {
      if (cause instanceof StatusRuntimeException status) {
        return status.getMessage();
      }
    }
    return e.toString();
  }

  private static String trim(String value) {
    return value == null ? null : value.trim();
  }
}
