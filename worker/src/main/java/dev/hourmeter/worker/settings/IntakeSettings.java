package dev.hourmeter.worker.settings;

import java.net.URI;
import java.util.List;

/**
 * The lifecycle intake: the SQS queues it long-polls (none: off), an SQS endpoint override (e.g. a
 * local ElasticMQ) and the products it may start workflows for.
 *
 * @param queueUrls the queues; empty turns the intake off
 * @param endpoint the SQS endpoint, null for AWS's in the worker's region
 * @param products {@code CODE=DIM[,DIM...][;...]} until the product catalog is merged
 */
public record IntakeSettings(List<String> queueUrls, URI endpoint, String products) {

  public IntakeSettings {
    queueUrls = List.copyOf(queueUrls);
  }

  public static IntakeSettings off() {
    return new IntakeSettings(List.of(), null, null);
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
