package dev.hourmeter.worker.catalog;

import java.util.Arrays;
import java.util.Optional;

/** How AWS Marketplace identifies a product's buyers and tells the seller about them. */
public enum IntegrationKind {
  /**
   * Existing listings: buyers are legacy CustomerIdentifiers (ResolveCustomer), lifecycle comes as
   * SNS notifications (subscribe-success, unsubscribe-pending, ...).
   */
  LEGACY("legacy"),
  /**
   * Concurrent Agreements (new listings): a buyer is an AWS account plus one LicenseArn per
   * agreement, lifecycle comes as EventBridge events (Purchase Agreement Created, License Updated,
   * ...).
   */
  CONCURRENT_AGREEMENTS("concurrent-agreements");

  private final String configName;

  IntegrationKind(String configName) {
    this.configName = configName;
  }

  /** The spelling in the catalog file. */
  public String configName() {
    return configName;
  }

  /** The kind spelled {@code name} in the catalog file, if any. */
  public static Optional<IntegrationKind> fromConfigName(String name) {
    return Arrays.stream(values()).filter(k -> k.configName.equals(name)).findFirst();
  }
}
