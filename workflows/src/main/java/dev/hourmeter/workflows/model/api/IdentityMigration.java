package dev.hourmeter.workflows.model.api;

import java.util.ArrayList;
import java.util.List;

/**
 * The {@code migrateIdentity} update's request: the AWS account id and LicenseArn (Concurrent
 * Agreements) a running customer is metered under from its first period not yet submitted.
 */
public record IdentityMigration(String customerAwsAccountId, String licenseArn) {

  /** What is wrong with the request itself, each message prefixed with the field; empty if none. */
  public List<String> problems() {
    List<String> problems = new ArrayList<>();
    if (customerAwsAccountId == null || !customerAwsAccountId.matches("\\d{12}")) {
      problems.add(
          "customerAwsAccountId: must be an AWS account id of 12 digits, got '"
              + customerAwsAccountId
              + "'");
    }
    String licenseProblem = CustomerId.licenseArnProblem(licenseArn);
    if (licenseProblem != null) {
      problems.add("licenseArn: " + licenseProblem);
    }
    return problems;
  }

  /** The identity asked for; call only when {@link #problems()} is empty. */
  public CustomerId customer() {
    return CustomerId.licensed(customerAwsAccountId, licenseArn);
  }
}
