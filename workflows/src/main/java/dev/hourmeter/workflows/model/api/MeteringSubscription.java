package dev.hourmeter.workflows.model.api;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.regex.Pattern;

/**
 * Everything a customer workflow is started with. Validated on construction so that bad input fails
 * in the caller (the CLI) with a message naming the field, never inside a running workflow.
 *
 * <p>The constructor also runs when a running workflow's history is read back (its input, every
 * continue-as-new), so it checks only what every subscription ever written satisfies: those checks
 * were there from the first version. Bounds enforced later (the entitlement max age's PT6H, a
 * period that divides a day to the nanosecond) are checked where a workflow is started, with {@link
 * #startProblems()}: a customer started before them keeps running.
 *
 * @param productCode AWS Marketplace product code
 * @param customer who is metered
 * @param dimensions the product's metered dimensions: one record per dimension and period, 0 when
 *     idle
 * @param pricingModel SUBSCRIPTION meters all usage, CONTRACT only usage above the entitled
 *     quantity
 * @param period the metering period (PT1H in production; shorter for development)
 * @param tuning timing and bounds; {@link MeteringTuning#defaults(Duration)} when null, and a
 *     tuning without a close spread gets the period's default one
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
    if (productCodeProblem(productCode) != null) {
      throw new IllegalArgumentException("productCode: " + productCodeProblem(productCode));
    }
    if (customer == null) {
      throw new IllegalArgumentException("customer: is required");
    }
    if (dimensions == null || dimensions.isEmpty()) {
      throw new IllegalArgumentException("dimensions: at least one dimension is required");
    }
    for (String dimension : dimensions) {
      if (dimensionProblem(dimension) != null) {
        throw new IllegalArgumentException("dimensions: " + dimensionProblem(dimension));
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
    if (tuning.closeSpread() == null) {
      // Written before the close spread existed: the period's default.
      tuning = tuning.toBuilder().closeSpread(MeteringTuning.defaultCloseSpread(period)).build();
    }
  }

  /**
   * What is wrong with starting a NEW workflow with this subscription, each message prefixed with
   * the field; empty when nothing is. Stricter than the constructor (see the class comment).
   */
  public List<String> startProblems() {
    List<String> problems = new ArrayList<>();
    String licenseProblem = customer.licenseProblem();
    if (licenseProblem != null) {
      problems.add("customer." + licenseProblem);
    }
    String periodProblem = periodProblem(period);
    if (periodProblem != null) {
      problems.add("period: " + periodProblem);
    }
    problems.addAll(tuning.startProblems());
    String windowProblem = MeteringTuning.windowProblem(tuning.window(), period);
    if (windowProblem != null) {
      problems.add("window: " + windowProblem);
    }
    String spreadProblem = MeteringTuning.closeSpreadProblem(tuning.closeSpread(), period);
    if (spreadProblem != null) {
      problems.add("closeSpread: " + spreadProblem);
    }
    return problems;
  }

  /** Throws IllegalArgumentException naming the field when {@link #startProblems()} finds any. */
  public MeteringSubscription requireStartable() {
    List<String> problems = startProblems();
    if (!problems.isEmpty()) {
      throw new IllegalArgumentException(String.join("; ", problems));
    }
    return this;
  }

  /** Why a product code is not one AWS accepts (1-255 of [-a-zA-Z0-9/=:_.@]); null if it is. */
  public static String productCodeProblem(String productCode) {
    return productCode != null && PRODUCT_CODE.matcher(productCode).matches()
        ? null
        : "must be 1-255 characters of [-a-zA-Z0-9/=:_.@], got '" + productCode + "'";
  }

  /** Why a dimension name is not one AWS accepts (1-255 characters, not blank); null if it is. */
  public static String dimensionProblem(String dimension) {
    return dimension != null && !dimension.isBlank() && dimension.length() <= 255
        ? null
        : "each dimension must be 1-255 characters, got '" + dimension + "'";
  }

  /**
   * Why a period cannot be used for a new workflow: shorter than {@link #MIN_PERIOD}, or not
   * dividing a day exactly (to the nanosecond); null if it can.
   */
  public static String periodProblem(Duration period) {
    if (period == null || period.compareTo(MIN_PERIOD) < 0) {
      return "must be at least " + MIN_PERIOD + ", got " + period;
    }
    if (Duration.ofDays(1).toNanos() % period.toNanos() != 0) {
      return "must divide a day evenly so that periods align to the wall clock, got " + period;
    }
    return null;
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
