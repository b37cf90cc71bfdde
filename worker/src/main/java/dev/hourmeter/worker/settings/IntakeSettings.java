package dev.hourmeter.worker.settings;

import java.net.URI;
import java.util.List;

/**
 * The lifecycle intake: the SQS queues it long-polls (none: off) and an SQS endpoint override (e.g.
 * a local ElasticMQ). The products it may start workflows for are the product catalog's.
 *
 * @param queueUrls the queues; empty turns the intake off
 * @param endpoint the SQS endpoint, null for AWS's in the worker's region
 */
public record IntakeSettings(List<String> queueUrls, URI endpoint) {

  public IntakeSettings {
    queueUrls = List.copyOf(queueUrls);
  }

  public static IntakeSettings off() {
    return new IntakeSettings(List.of(), null);
  }

  public boolean enabled() {
    return !queueUrls.isEmpty();
  }

  @Override
  public String toString() {
    return enabled()
        ? "intake=" + queueUrls + (endpoint == null ? "" : " sqsEndpoint=" + endpoint)
        : "intake=off";
  }
}
