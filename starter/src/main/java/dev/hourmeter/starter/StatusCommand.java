package dev.hourmeter.starter;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import dev.hourmeter.client.TemporalConnection;
import dev.hourmeter.workflows.CustomerMeteringWorkflow;
import dev.hourmeter.workflows.model.MeteringStatus;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(
    name = "status",
    mixinStandardHelpOptions = true,
    description = {
      "Show a customer's metering state: open period, pending and carried usage, rejected reports,",
      "and the records of recent periods with AWS's answer. Works for ended workflows too (needs a worker)."
    })
final class StatusCommand extends ClientCommand {

  static final ObjectMapper JSON =
      new ObjectMapper()
          .registerModule(new JavaTimeModule())
          .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
          .disable(SerializationFeature.WRITE_DURATIONS_AS_TIMESTAMPS)
          .enable(SerializationFeature.INDENT_OUTPUT);

  @Mixin CustomerOptions customer;

  @Option(names = "--json", description = "Print the status query's answer as JSON.")
  boolean json;

  @Override
  protected String workflowId() {
    return customer.workflowId();
  }

  @Override
  protected int run(TemporalConnection temporal) throws JsonProcessingException {
    MeteringStatus status =
        temporal
            .client()
            .newWorkflowStub(CustomerMeteringWorkflow.class, customer.workflowId())
            .status();
    out()
        .print(
            json
                ? JSON.writeValueAsString(status) + System.lineSeparator()
                : StatusFormatter.format(status));
    return ExitCodes.OK;
  }
}
