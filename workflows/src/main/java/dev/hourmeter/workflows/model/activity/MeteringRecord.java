package dev.hourmeter.workflows.model.activity;

import com.fasterxml.jackson.annotation.JsonInclude;
import dev.hourmeter.workflows.model.api.CustomerId;
import dev.hourmeter.workflows.model.api.Quantities;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.List;
import java.util.regex.Pattern;

/**
 * One BatchMeterUsage usage record. {@code timestamp} is always the start of the metered period, so
 * a retried or re-sent record is identical and AWS deduplicates it.
 *
 * <p>{@code quantityAsDecimal} (nullable: absent in older histories) is the exact usage when it has
 * a fraction, as AWS's {@code QuantityAsDecimal} string (canonical: no trailing zeros, at most 10
 * integer digits and 6 decimals); {@code quantity} then holds its whole part, capped at {@link
 * #MAX_QUANTITY}. Null for whole usage; a null is not serialized, so a whole-usage record's JSON
 * has no such field. On the wire every record, whole or not, carries {@code QuantityAsDecimal} and
 * each allocation {@code AllocatedUsageQuantityAsDecimal}, written from {@link #exactQuantity()} at
 * the activities' HTTP layer ({@code ConcurrentAgreementsInterceptor}).
 *
 * <p>{@code usageAllocations} (optional, added for usage allocations; empty and not written for a
 * record without tagged usage): AWS's {@code UsageAllocations}, one per distinct tag set (untagged
 * usage as one allocation without tags), adding up exactly to {@link #exactQuantity()}. {@code
 * foldedTagSets} (optional, null when none): how many tag sets beyond AWS's limits were folded into
 * the untagged allocation.
 */
public record MeteringRecord(
    CustomerId customer,
    String dimension,
    Instant timestamp,
    int quantity,
    @JsonInclude(JsonInclude.Include.NON_NULL) String quantityAsDecimal,
    @JsonInclude(JsonInclude.Include.NON_EMPTY) List<UsageAllocation> usageAllocations,
    @JsonInclude(JsonInclude.Include.NON_NULL) Integer foldedTagSets) {

  /** AWS's maximum {@code Quantity} of one record. */
  public static final int MAX_QUANTITY = Integer.MAX_VALUE;

  /** AWS's maximum {@code QuantityAsDecimal} of one record: 10 integer digits, 6 decimals. */
  public static final BigDecimal MAX_DECIMAL_QUANTITY = new BigDecimal("9999999999.999999");

  /** AWS's {@code UsageQuantityAsDecimalString} pattern. */
  private static final Pattern DECIMAL = Pattern.compile("^(0|[1-9][0-9]{0,9})(\\.[0-9]{1,6})?$");

  public MeteringRecord {
    usageAllocations = usageAllocations == null ? List.of() : List.copyOf(usageAllocations);
    if (quantityAsDecimal != null) {
      if (!DECIMAL.matcher(quantityAsDecimal).matches()
          || !quantityAsDecimal.contains(".")
          || quantityAsDecimal.endsWith("0")) {
        throw new IllegalArgumentException(
            "quantityAsDecimal must be a canonical decimal with a fraction (at most 10 integer"
                + " digits, 6 decimals, no trailing zero), got '"
                + quantityAsDecimal
                + "'");
      }
      BigDecimal whole = new BigDecimal(quantityAsDecimal).setScale(0, java.math.RoundingMode.DOWN);
      if (whole.min(BigDecimal.valueOf(MAX_QUANTITY)).compareTo(BigDecimal.valueOf(quantity))
          != 0) {
        throw new IllegalArgumentException(
            "quantity must be the whole part of quantityAsDecimal "
                + quantityAsDecimal
                + " (at most "
                + MAX_QUANTITY
                + ")");
      }
    }
  }

  public MeteringRecord(
      CustomerId customer,
      String dimension,
      Instant timestamp,
      int quantity,
      String quantityAsDecimal) {
    this(customer, dimension, timestamp, quantity, quantityAsDecimal, List.of(), null);
  }

  /** A record of whole usage (the form every record had before decimal quantities). */
  public MeteringRecord(CustomerId customer, String dimension, Instant timestamp, int quantity) {
    this(customer, dimension, timestamp, quantity, null);
  }

  /**
   * A record of {@code usage}: whole usage gives a plain {@code quantity}, fractional usage also
   * carries {@code quantityAsDecimal}.
   *
   * @throws IllegalArgumentException when {@code usage} is negative, has more than 6 decimals, or
   *     exceeds AWS's range ({@code Quantity} for whole usage, {@code QuantityAsDecimal} else)
   */
  public static MeteringRecord of(
      CustomerId customer, String dimension, Instant timestamp, BigDecimal usage) {
    BigDecimal exact = usage.stripTrailingZeros();
    if (exact.signum() < 0 || exact.scale() > 6) {
      throw new IllegalArgumentException(
          "usage must be >= 0 with at most 6 decimals, got " + usage.toPlainString());
    }
    boolean fractional = exact.scale() > 0;
    BigDecimal max = fractional ? MAX_DECIMAL_QUANTITY : BigDecimal.valueOf(MAX_QUANTITY);
    if (exact.compareTo(max) > 0) {
      throw new IllegalArgumentException(
          "usage above AWS's "
              + (fractional ? "QuantityAsDecimal" : "Quantity")
              + " range: "
              + usage.toPlainString());
    }
    int whole =
        exact
            .setScale(0, java.math.RoundingMode.DOWN)
            .min(BigDecimal.valueOf(MAX_QUANTITY))
            .intValueExact();
    String decimal = fractional ? exact.toPlainString() : null;
    return new MeteringRecord(customer, dimension, timestamp, whole, decimal);
  }

  /**
   * This record split into {@code allocations}, which must add up exactly to its quantity (an empty
   * list: no allocations).
   */
  public MeteringRecord withAllocations(List<UsageAllocation> allocations) {
    return withAllocations(allocations, 0);
  }

  /** {@link #withAllocations} noting how many tag sets were folded into the untagged one. */
  public MeteringRecord withAllocations(List<UsageAllocation> allocations, int folded) {
    BigDecimal sum =
        allocations.stream()
            .map(UsageAllocation::quantity)
            .reduce(BigDecimal.ZERO, Quantities::add);
    if (!allocations.isEmpty() && sum.compareTo(exactQuantity()) != 0) {
      throw new IllegalArgumentException(
          "allocations add up to "
              + sum.toPlainString()
              + ", not the record's quantity "
              + exactQuantity().toPlainString());
    }
    return new MeteringRecord(
        customer,
        dimension,
        timestamp,
        quantity,
        quantityAsDecimal,
        allocations,
        folded > 0 ? folded : null);
  }

  /** This record under {@code newCustomer}, everything else unchanged. */
  public MeteringRecord withCustomer(CustomerId newCustomer) {
    return new MeteringRecord(
        newCustomer,
        dimension,
        timestamp,
        quantity,
        quantityAsDecimal,
        usageAllocations,
        foldedTagSets);
  }

  /** The exact usage: {@code quantityAsDecimal} when present, else {@code quantity}. */
  public BigDecimal exactQuantity() {
    return quantityAsDecimal != null
        ? new BigDecimal(quantityAsDecimal)
        : BigDecimal.valueOf(quantity);
  }

  /** Whether the record is metered against a license (Concurrent Agreements). */
  public boolean licensed() {
    return customer.hasLicense();
  }

  /**
   * The AWS dedup key: customer, dimension and period, plus the license for a licensed record (AWS
   * deduplicates per account + license + dimension + hour). Unchanged for legacy records.
   */
  public String key() {
    String base = customer.value() + "/" + dimension + "/" + timestamp;
    return licensed() ? base + "/" + customer.licenseArn() : base;
  }
}
