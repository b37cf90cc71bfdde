package dev.hourmeter.starter;

import dev.hourmeter.client.SettingResolver;
import dev.hourmeter.client.TemporalConnection;
import dev.hourmeter.workflows.CustomerMeteringWorkflow;
import dev.hourmeter.workflows.MeteringOptions;
import dev.hourmeter.workflows.MeteringWorkflowIds;
import dev.hourmeter.workflows.model.api.CustomerId;
import dev.hourmeter.workflows.model.api.CustomerMeteringInput;
import dev.hourmeter.workflows.model.api.MeteringSubscription;
import dev.hourmeter.workflows.model.api.MeteringTuning;
import dev.hourmeter.workflows.model.api.PricingModel;
import io.temporal.api.common.v1.WorkflowExecution;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowExecutionAlreadyStarted;
import io.temporal.client.WorkflowOptions;
import java.time.Duration;
import java.util.LinkedHashSet;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(
    name = "start",
    mixinStandardHelpOptions = true,
    description = "Start metering a customer (a no-op that says so when already running).")
final class StartCommand extends ClientCommand {

  @Mixin CustomerOptions customer;

  @Option(
      names = "--dimension",
      required = true,
      paramLabel = "NAME",
      description = "A metered dimension of the product (1-255 characters); repeat for several.")
  List<String> dimensions;

  @Option(
      names = "--contract",
      description =
          "CONTRACT pricing: meter only usage above the entitled quantity (default: SUBSCRIPTION, all usage).")
  boolean contract;

  @Option(
      names = "--period",
      paramLabel = "DURATION",
      defaultValue = "PT1H",
      description =
          "Metering period, ISO-8601: at least PT10S and dividing a day (default ${DEFAULT-VALUE}; "
              + "shorter only for development).")
  String period;

  @Option(
      names = "--entitlement-max-age",
      paramLabel = "DURATION",
      description =
          "Reuse an entitled customer's last entitlement check this long, ISO-8601 (default: six periods, "
              + "at most PT6H; PT0S checks every period). The entitlementsChanged signal forces a check sooner.")
  String entitlementMaxAge;

  @Option(
      names = "--window",
      paramLabel = "DURATION",
      description =
          "How long after a period AWS still accepts its records, ISO-8601 (default: 24 periods, at most "
              + "PT24H, AWS's window; at least PT1H, or six periods if shorter). PT6H for cautious "
              + "sellers. AWS's month-end cut-off (06:00 UTC on the 1st) always applies too.")
  String window;

  @Override
  protected String workflowId() {
    return customer.workflowId();
  }

  @Override
  protected int run(TemporalConnection temporal) {
    MeteringSubscription subscription = subscription();
    WorkflowOptions options =
        MeteringOptions.customerWorkflow(temporal.settings().taskQueue(), subscription);
    requireNo(
        customer.license() != null ? "--license-arn" : "--customer",
        MeteringWorkflowIds.lengthProblem(options.getWorkflowId()));
    // A customer started before ids were escaped (its product or customer holds '%' or '/') keeps
    // its old id: starting it under the escaped id would meter it twice.
    String unescapedId = customer.unescapedWorkflowId();
    if (!unescapedId.equals(options.getWorkflowId())) {
      if (Executions.latest(temporal, unescapedId)
          .filter(old -> Executions.isRunning(old) && customer.isThisCustomer(old))
          .isPresent()) {
        out().println("already running (under its id from before escaping): " + unescapedId);
        return ExitCodes.OK;
      }
    }
    // A legacy customer migrated to this license meters it under its legacy id: a second workflow
    // would bill every hour of the license twice.
    if (subscription.customer().hasLicense()) {
      List<String> holders =
          LicenseHolders.running(
              temporal, subscription.productCode(), subscription.customer().licenseArn());
      List<String> others =
          holders.stream().filter(id -> !id.equals(options.getWorkflowId())).toList();
      if (!others.isEmpty()) {
        out()
            .println(
                "already running (migrated to this license): "
                    + String.join(", ", others)
                    + " meters "
                    + subscription.customer().licenseArn()
                    + "; not started");
        return ExitCodes.OK;
      }
    }
    CustomerMeteringWorkflow workflow =
        temporal.client().newWorkflowStub(CustomerMeteringWorkflow.class, options);
    try {
      WorkflowExecution execution =
          WorkflowClient.start(workflow::run, CustomerMeteringInput.start(subscription));
      out()
          .printf(
              "started %s (run %s)%n%s  dimensions %s, %s, period %s, task queue %s%n",
              execution.getWorkflowId(),
              execution.getRunId(),
              subscription.customer().hasLicense()
                  ? "  license " + subscription.customer().licenseArn() + System.lineSeparator()
                  : "",
              String.join(",", subscription.dimensions()),
              subscription.pricingModel(),
              subscription.period(),
              temporal.settings().taskQueue());
    } catch (WorkflowExecutionAlreadyStarted e) {
      out().println("already running: " + options.getWorkflowId());
    }
    return ExitCodes.OK;
  }

  /**
   * The subscription to start, every flag checked against its documented bounds first so that a
   * refusal names the flag (exit code 2).
   */
  private MeteringSubscription subscription() {
    String productCode = customer.product.trim();
    requireNo("--product", MeteringSubscription.productCodeProblem(productCode));
    if (customer.customer.isBlank()) {
      throw CliException.badInput("--customer: must not be blank");
    }
    CustomerId customerId;
    try {
      customerId = CustomerId.parse(customer.customer, customer.license());
    } catch (IllegalArgumentException e) {
      throw CliException.badInput("--customer: " + e.getMessage().replaceFirst("^customer: ", ""));
    }
    if (customer.licenseArn != null && customer.license() == null) {
      throw CliException.badInput("--license-arn: must not be blank");
    }
    if (customerId.hasLicense()) {
      if (!customerId.hasAwsAccountId()) {
        throw CliException.badInput(
            "--license-arn: a license needs --customer to be an AWS account id (12 digits), not"
                + " the legacy CustomerIdentifier '"
                + customerId.value()
                + "'");
      }
      requireNo("--license-arn", CustomerId.licenseArnProblem(customerId.licenseArn()));
    }
    List<String> names = dimensions.stream().map(String::trim).toList();
    for (String name : names) {
      requireNo("--dimension", MeteringSubscription.dimensionProblem(name));
    }
    if (new LinkedHashSet<>(names).size() != names.size()) {
      throw CliException.badInput("--dimension: given more than once: " + names);
    }
    Duration duration = SettingResolver.parseDuration("--period", period);
    requireNo("--period", MeteringSubscription.periodProblem(duration));
    Duration maxAge =
        entitlementMaxAge == null
            ? null
            : SettingResolver.parseDuration("--entitlement-max-age", entitlementMaxAge);
    if (maxAge != null) {
      requireNo("--entitlement-max-age", MeteringTuning.entitlementMaxAgeProblem(maxAge));
    }
    Duration windowDuration =
        window == null ? null : SettingResolver.parseDuration("--window", window);
    if (windowDuration != null) {
      requireNo("--window", MeteringTuning.windowProblem(windowDuration, duration));
    }
    try {
      MeteringSubscription subscription =
          MeteringSubscription.of(
              productCode,
              customerId,
              names,
              contract ? PricingModel.CONTRACT : PricingModel.SUBSCRIPTION,
              duration);
      MeteringTuning tuning = subscription.tuning();
      if (maxAge != null) {
        tuning = tuning.toBuilder().entitlementMaxAge(maxAge).build();
      }
      if (windowDuration != null) {
        tuning = tuning.toBuilder().window(windowDuration).build();
      }
      return subscription.withTuning(tuning).requireStartable();
    } catch (IllegalArgumentException e) {
      throw CliException.badInput("invalid subscription: " + e.getMessage());
    }
  }

  private static void requireNo(String flag, String problem) {
    if (problem != null) {
      throw CliException.badInput(flag + ": " + problem);
    }
  }
}
