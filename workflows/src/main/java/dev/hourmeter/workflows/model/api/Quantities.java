package dev.hourmeter.workflows.model.api;

import java.math.BigDecimal;
import java.util.Map;

/**
 * Exact usage quantities: whole or with at most 6 decimals, never floating point. Quantities are
 * kept in canonical form (no trailing zeros, never an exponent: {@code 17.00} is {@code 17}, {@code
 * 1E+2} is {@code 100}) so that they compare with {@code equals}, and a whole quantity is written
 * to JSON exactly as the {@code long} it used to be.
 */
public final class Quantities {

  /** The most decimal places a usage quantity may have (AWS's QuantityAsDecimal). */
  public static final int MAX_DECIMAL_PLACES = 6;

  private Quantities() {}

  /** {@code value} without trailing zeros and with a scale >= 0; null stays null. */
  public static BigDecimal canonical(BigDecimal value) {
    if (value == null) {
      return null;
    }
    BigDecimal stripped = value.stripTrailingZeros();
    return stripped.scale() < 0 ? stripped.setScale(0) : stripped;
  }

  public static BigDecimal of(long value) {
    return BigDecimal.valueOf(value);
  }

  /** The exact sum, in canonical form. */
  public static BigDecimal add(BigDecimal a, BigDecimal b) {
    return canonical(a.add(b));
  }

  /** Whether {@code value} has a fraction. */
  public static boolean fractional(BigDecimal value) {
    return canonical(value).scale() > 0;
  }

  public static boolean positive(BigDecimal value) {
    return value != null && value.signum() > 0;
  }

  /** The canonical text of a quantity: {@code 20.67}, {@code 5}; never an exponent. */
  public static String text(BigDecimal value) {
    return value == null ? "null" : canonical(value).toPlainString();
  }

  /** The total of a map's quantities. */
  public static BigDecimal total(Map<String, BigDecimal> quantities) {
    return quantities.values().stream().reduce(BigDecimal.ZERO, Quantities::add);
  }

  /** A canonical copy of a map of quantities (null gives an empty map). */
  public static Map<String, BigDecimal> copy(Map<String, BigDecimal> quantities) {
    if (quantities == null) {
      return Map.of();
    }
    java.util.TreeMap<String, BigDecimal> copy = new java.util.TreeMap<>();
    quantities.forEach((k, v) -> copy.put(k, canonical(v)));
    return Map.copyOf(copy);
  }
}
