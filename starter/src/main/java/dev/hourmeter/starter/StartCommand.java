package dev.hourmeter.starter;

import dev.hourmeter.client.SettingResolver;
import dev.hourmeter.client.TemporalConnection;
import dev.hourmeter.workflows.CustomerMeteringWorkflow;
import dev.hourmeter.workflows.MeteringOptions;
import dev.hourmeter.workflows.model.CustomerId;
import dev.hourmeter.workflows.model.CustomerMeteringInput;
import dev.hourmeter.workflows.model.MeteringSubscription;
import dev.hourmeter.workflows.model.PricingModel;
import io.temporal.api.common.v1.WorkflowExecution;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowExecutionAlreadyStarted;
import io.temporal.client.WorkflowOptions;
import java.time.Duration;
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
      description = "A metered dimension of the product; repeat for several.")
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
          "Metering period, ISO-8601 (default ${DEFAULT-VALUE}; shorter only for development).")
  String period;

  @Option(
      names = "--entitlement-max-age",
      paramLabel = "DURATION",
      description =
          "Reuse an entitled customer's last entitlement check this long, ISO-8601 (default: six periods, "
              + "at most PT6H; PT0S checks every period). The entitlementsChanged signal forces a check sooner.")
  String entitlementMaxAge;

  @Override
  protected String workflowId() {
    return customer.workflowId();
  }

  @Override
  protected int run(TemporalConnection temporal) {
    MeteringSubscription subscription = subscription();
    WorkflowOptions options =
        MeteringOptions.customerWorkflow(temporal.settings().taskQueue(), subscription);
    CustomerMeteringWorkflow workflow =
        temporal.client().newWorkflowStub(CustomerMeteringWorkflow.class, options);
    try {
      WorkflowExecution execution =
          WorkflowClient.start(workflow::run, CustomerMeteringInput.start(subscription));
      out()
          .printf(
              "started %s (run %s)%n  dimensions %s, %s, period %s, task queue %s%n",
              execution.getWorkflowId(),
              execution.getRunId(),
              String.join(",", subscription.dimensions()),
              subscription.pricingModel(),
              subscription.period(),
              temporal.settings().taskQueue());
    } catch (WorkflowExecutionAlreadyStarted e) {
      out().println("already running: " + options.getWorkflowId());
    }
    return ExitCodes.OK;
  }

  private MeteringSubscription subscription() {
    Duration duration = SettingResolver.parseDuration("--period", period);
    Duration maxAge =
        entitlementMaxAge == null
            ? null
            : SettingResolver.parseDuration("--entitlement-max-age", entitlementMaxAge);
    if (maxAge != null && maxAge.isNegative()) {
      throw CliException.badInput(
          "--entitlement-max-age: must not be negative, got " + entitlementMaxAge);
    }
    try {
      MeteringSubscription subscription =
          MeteringSubscription.of(
              customer.product.trim(),
              CustomerId.parse(customer.customer),
              dimensions.stream().map(String::trim).toList(),
              contract ? PricingModel.CONTRACT : PricingModel.SUBSCRIPTION,
              duration);
      return maxAge == null
          ? subscription
          : subscription.withTuning(subscription.tuning().withEntitlementMaxAge(maxAge));
    } catch (IllegalArgumentException e) {
      throw CliException.badInput("invalid subscription: " + e.getMessage());
    }
  }
}
