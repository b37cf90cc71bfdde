package dev.hourmeter.starter;

import dev.hourmeter.client.TemporalConnection;
import dev.hourmeter.workflows.CustomerMeteringWorkflow;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

@Command(
    name = "unsubscribe",
    mixinStandardHelpOptions = true,
    description =
        "Meter the customer's open period at once (final records), then end the workflow.")
final class UnsubscribeCommand extends ClientCommand {

  @Mixin CustomerOptions customer;

  @Override
  protected String workflowId() {
    return customer.workflowId();
  }

  @Override
  protected int run(TemporalConnection temporal) {
    customer.resolve(temporal);
    temporal
        .client()
        .newWorkflowStub(CustomerMeteringWorkflow.class, customer.workflowId())
        .unsubscribe();
    out()
        .println(
            "unsubscribe sent to "
                + customer.workflowId()
                + ": it submits the open period now and then ends (see: status)");
    return ExitCodes.OK;
  }
}
