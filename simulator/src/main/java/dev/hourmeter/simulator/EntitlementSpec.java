package dev.hourmeter.simulator;

import java.time.Instant;
import java.util.Objects;
import java.util.stream.Stream;

/**
 * One entitlement of a customer for a dimension. Exactly one of the four values is set, as in the
 * GetEntitlements {@code Value} union. {@code expirationDate} may be null.
 */
public record EntitlementSpec(
    String dimension,
    Integer integerValue,
    Double doubleValue,
    Boolean booleanValue,
    String stringValue,
    Instant expirationDate) {

  public EntitlementSpec {
    Objects.requireNonNull(dimension, "dimension");
    long set =
        Stream.of(integerValue, doubleValue, booleanValue, stringValue)
            .filter(Objects::nonNull)
            .count();
    if (set != 1) {
      throw new IllegalArgumentException(
          "exactly one of integerValue, doubleValue, booleanValue, stringValue must be set (dimension "
              + dimension
              + ")");
    }
  }

  public static EntitlementSpec ofInteger(String dimension, int value, Instant expirationDate) {
    return new EntitlementSpec(dimension, value, null, null, null, expirationDate);
  }

  public static EntitlementSpec ofDouble(String dimension, double value, Instant expirationDate) {
    return new EntitlementSpec(dimension, null, value, null, null, expirationDate);
  }

  public static EntitlementSpec ofBoolean(String dimension, boolean value, Instant expirationDate) {
    return new EntitlementSpec(dimension, null, null, value, null, expirationDate);
  }

  public static EntitlementSpec ofString(String dimension, String value, Instant expirationDate) {
    return new EntitlementSpec(dimension, null, null, null, value, expirationDate);
  }
}
