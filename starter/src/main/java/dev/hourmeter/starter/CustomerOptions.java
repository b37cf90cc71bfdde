package dev.hourmeter.starter;

import dev.hourmeter.client.TemporalConnection;
import dev.hourmeter.workflows.MeteringSearchAttributes;
import dev.hourmeter.workflows.MeteringWorkflowIds;
import io.temporal.client.WorkflowExecutionMetadata;
import io.temporal.common.SearchAttributes;
import java.util.List;
import picocli.CommandLine.Option;

/**
 * {@code --product}, {@code --customer} and {@code --license-arn}: which customer workflow a
 * command is about.
 */
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

  @Option(
      names = "--license-arn",
      paramLabel = "ARN",
      description =
          "The customer's license (Concurrent Agreements), with a 12-digit --customer: one account may"
              + " hold several licenses of a product, each metered by its own workflow.")
  String licenseArn;

  /**
   * Set by {@link #resolve} for a customer running under its id from before escaping, or a migrated
   * customer found by its license.
   */
  private String resolvedId;

  /** The customer's workflow id (escaped; see {@link MeteringWorkflowIds}). */
  public String workflowId() {
    return resolvedId != null
        ? resolvedId
        : MeteringWorkflowIds.forCustomer(product.trim(), customer.trim(), license());
  }

  /** The trimmed --license-arn; null when not given or blank. */
  String license() {
    return licenseArn == null || licenseArn.isBlank() ? null : licenseArn.trim();
  }

  /**
   * The id before escaping; differs from {@link #workflowId} only when the product or customer
   * holds '%' or '/'.
   */
  String unescapedWorkflowId() {
    if (license() != null) {
      return workflowId(); // licensed ids were escaped from the start
    }
    return MeteringWorkflowIds.unescapedForCustomer(product.trim(), customer.trim());
  }

  /**
   * Makes {@link #workflowId} the id this customer's workflow really has: a customer started before
   * ids were escaped, whose product or customer holds '%' or '/', keeps its old id while no
   * workflow has the escaped one; with {@code --license-arn}, a legacy customer migrated to that
   * license (and running) keeps its legacy id while no workflow has the licensed one.
   */
  void resolve(TemporalConnection temporal) {
    String escaped = workflowId();
    if (license() != null) {
      // A legacy customer migrated to this license keeps its legacy id: found by the license.
      if (Executions.latest(temporal, escaped).isEmpty()) {
        List<String> holders = LicenseHolders.running(temporal, product.trim(), license());
        if (holders.size() == 1) {
          resolvedId = holders.get(0);
        }
      }
      return;
    }
    String unescaped = unescapedWorkflowId();
    if (escaped.equals(unescaped) || Executions.latest(temporal, escaped).isPresent()) {
      return;
    }
    if (Executions.latest(temporal, unescaped).filter(this::isThisCustomer).isPresent()) {
      resolvedId = unescaped;
    }
  }

  /**
   * Whether a workflow is this customer's, by its search attributes (an id from before escaping is
   * ambiguous: {@code metering/a/b/x4} is product a/b or customer b/x4).
   */
  boolean isThisCustomer(WorkflowExecutionMetadata run) {
    SearchAttributes attributes = run.getTypedSearchAttributes();
    return product.trim().equals(attributes.get(MeteringSearchAttributes.PRODUCT))
        && customer.trim().equals(attributes.get(MeteringSearchAttributes.CUSTOMER));
  }
}
