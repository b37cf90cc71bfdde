package dev.hourmeter.starter;

import dev.hourmeter.workflows.MeteringWorkflowIds;
import picocli.CommandLine.Option;

/** {@code --product} and {@code --customer}: which customer workflow a command is about. */
public final class CustomerOptions {

  @Option(
      names = "--product",
      required = true,
      paramLabel = "CODE",
      description = "AWS Marketplace product code: 1-255 characters of [-a-zA-Z0-9/=:_.@].")
  String product;

  @Option(
      names = "--customer",
      required = true,
      paramLabel = "ID",
      description = "Customer: an AWS account id (12 digits) or a legacy CustomerIdentifier.")
  String customer;

  public String workflowId() {
    return MeteringWorkflowIds.forCustomer(product.trim(), customer.trim());
  }
}
