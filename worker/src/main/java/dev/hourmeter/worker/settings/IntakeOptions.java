package dev.hourmeter.worker.settings;

import dev.hourmeter.client.SettingResolver;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import picocli.CommandLine.Option;

/**
 * Flags of the lifecycle intake in {@code worker} (a picocli mixin): the SQS queues that receive
 * AWS Marketplace's EventBridge events and SNS notifications (docs/lifecycle-intake.md). The
 * products it may start workflows for are the product catalog's.
 */
public final class IntakeOptions {

  public static final String ENV_QUEUES = "HOURMETER_INTAKE_QUEUES";
  public static final String ENV_ENDPOINT = "HOURMETER_INTAKE_SQS_ENDPOINT";

  @Option(
      names = "--intake-queue",
      paramLabel = "URL",
      description =
          "Long-poll this SQS queue for subscription lifecycle events; repeat for several (env "
              + ENV_QUEUES
              + ", comma-separated; default none = intake off).")
  List<String> queues;

  @Option(
      names = "--intake-sqs-endpoint",
      paramLabel = "URL",
      description =
          "Override the SQS endpoint, e.g. a local ElasticMQ (env "
              + ENV_ENDPOINT
              + ", default AWS's for the region).")
  String endpoint;

  public IntakeSettings resolve(SettingResolver settings) {
    List<String> urls = new ArrayList<>();
    if (queues != null && !queues.isEmpty()) {
      queues.forEach(q -> urls.addAll(split(q)));
    } else {
      urls.addAll(split(settings.string("--intake-queue", ENV_QUEUES, null, "")));
    }
    return new IntakeSettings(
        urls, settings.endpoint("--intake-sqs-endpoint", ENV_ENDPOINT, endpoint));
  }

  private static List<String> split(String value) {
    return Arrays.stream(value.split(",")).map(String::trim).filter(s -> !s.isEmpty()).toList();
  }
}
