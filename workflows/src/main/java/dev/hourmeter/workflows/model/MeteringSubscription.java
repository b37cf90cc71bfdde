package dev.hourmeter.workflows.model;

import java.time.Duration;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.regex.Pattern;

/**
 * Everything a customer workflow is started with. Validated on construction so that bad input fails
 * in the caller (the CLI) with a message naming the field, never inside a running workflow.
 *
 * @param productCode AWS Marketplace product code
 * @param customer who is metered
 * @param dimensions the product's metered dimensions: one record per dimension and period, 0 when
 *     idle
 * @param pricingModel SUBSCRIPTION meters all usage, CONTRACT only usage above the entitled
 *     quantity
 * @param period the metering period (PT1H in production; shorter for development)
 * @param tuning timing and bounds; {@link MeteringTuning#defaults(Duration)} when null
 */
public record MeteringSubscription(
    String productCode,
    CustomerId customer,
    List<String> dimensions,
    PricingModel pricingModel,
    Duration period,
    MeteringTuning tuning) {

  private static final Pattern PRODUCT_CODE = Pattern.compile("[-a-zA-Z0-9/=:_.@]{1,255}");
  public static final Duration DEFAULT_PERIOD = Duration.ofHours(1);
  public static final Duration MIN_PERIOD = Duration.ofSeconds(10);

  public MeteringSubscription {
    if (productCode == null || !PRODUCT_CODE.matcher(productCode).matches()) {
      throw new IllegalArgumentException(
          "productCode: must be 1-255 characters of [-a-zA-Z0-9/=:_.@], got '" + productCode + "'");
    }
    if (customer == null) {
      throw new IllegalArgumentException("customer: is required");
    }
    if (dimensions == null || dimensions.isEmpty()) {
      throw new IllegalArgumentException("dimensions: at least one dimension is required");
    }
    for (String dimension : dimensions) {
      if (dimension == null || dimension.isBlank() || dimension.length() > 255) {
        throw new IllegalArgumentException(
            "dimensions: each dimension must be 1-255 characters, got '" + dimension + "'");
      }
    }
    if (new LinkedHashSet<>(dimensions).size() != dimensions.size()) {
      throw new IllegalArgumentException("dimensions: contains duplicates " + dimensions);
    }
    dimensions = List.copyOf(dimensions);
    pricingModel = pricingModel == null ? PricingModel.SUBSCRIPTION : pricingModel;
    period = period == null ? DEFAULT_PERIOD : period;
    if (period.compareTo(MIN_PERIOD) < 0) {
      throw new IllegalArgumentException(
          "period: must be at least " + MIN_PERIOD + ", got " + period);
    }
    if (Duration.ofDays(1).toMillis() % period.toMillis() != 0) {
      throw new IllegalArgumentException(
          "period: must divide a day evenly so that periods align to the wall clock, got "
              + period);
    }
    tuning = tuning == null ? MeteringTuning.defaults(period) : tuning;
  }

  public static MeteringSubscription of(
      String productCode,
      CustomerId customer,
      List<String> dimensions,
      PricingModel pricingModel,
      Duration period) {
    return new MeteringSubscription(productCode, customer, dimensions, pricingModel, period, null);
  }

  public MeteringSubscription withTuning(MeteringTuning newTuning) {
    return new MeteringSubscription(
        productCode, customer, dimensions, pricingModel, period, newTuning);
  }
}
