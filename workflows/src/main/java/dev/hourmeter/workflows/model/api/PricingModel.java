package dev.hourmeter.workflows.model.api;

/**
 * How usage turns into billed quantity. SaaS subscriptions meter all usage; SaaS contracts meter
 * only the usage above the entitled quantity of each dimension (per period).
 */
public enum PricingModel {
  SUBSCRIPTION,
  CONTRACT
}
