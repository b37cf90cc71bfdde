package dev.hourmeter.simulator;

import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.Arrays;
import java.util.List;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/**
 * The {@link SimulatorMain} flags' value converters: a bad value fails with a message naming it,
 * which picocli reports with the flag (exit code 2).
 */
final class SimulatorConverters {

  private SimulatorConverters() {}

  static final class PositiveDurationConverter implements ITypeConverter<Duration> {
    @Override
    public Duration convert(String value) {
      Duration d = parseDuration(value);
      if (d.isNegative() || d.isZero() || d.toMillis() == 0) {
        throw new TypeConversionException(
            "'" + value + "' must be a positive duration of at least 1ms");
      }
      return d;
    }
  }

  static final class NonNegativeDurationConverter implements ITypeConverter<Duration> {
    @Override
    public Duration convert(String value) {
      Duration d = parseDuration(value);
      if (d.isNegative()) {
        throw new TypeConversionException("'" + value + "' must not be negative");
      }
      return d;
    }
  }

  static final class NonNegativeIntConverter implements ITypeConverter<Integer> {
    @Override
    public Integer convert(String value) {
      int n = parseInt(value);
      if (n < 0) {
        throw new TypeConversionException("'" + value + "' must be >= 0");
      }
      return n;
    }
  }

  /** {@code CODE[:KIND[:DIMENSION,...]]}: a {@link ProductSpec}. */
  static final class ProductConverter implements ITypeConverter<ProductSpec> {
    @Override
    public ProductSpec convert(String value) {
      String[] parts = value.split(":", 3);
      String kind = parts.length > 1 ? parts[1] : "legacy";
      List<String> dimensions =
          parts.length > 2 && !parts[2].isBlank()
              ? Arrays.stream(parts[2].split(",")).map(String::trim).toList()
              : List.of();
      ProductSpec product =
          switch (kind) {
            case "legacy" -> new ProductSpec(parts[0], dimensions);
            case "concurrent-agreements" -> new ProductSpec(parts[0], dimensions, true);
            case "migrating" -> new ProductSpec(parts[0], dimensions, false, true);
            default ->
                throw new TypeConversionException(
                    "'"
                        + value
                        + "': the kind must be legacy, concurrent-agreements or migrating, not '"
                        + kind
                        + "'");
          };
      try {
        SpecValidation.validate(product);
      } catch (IllegalArgumentException e) {
        throw new TypeConversionException("'" + value + "': " + e.getMessage());
      }
      return product;
    }
  }

  static final class PortConverter implements ITypeConverter<Integer> {
    @Override
    public Integer convert(String value) {
      int n = parseInt(value);
      if (n < 0 || n > 65535) {
        throw new TypeConversionException("'" + value + "' must be a port number 0..65535");
      }
      return n;
    }
  }

  private static Duration parseDuration(String value) {
    try {
      return Duration.parse(value);
    } catch (DateTimeParseException e) {
      throw new TypeConversionException(
          "'" + value + "' is not an ISO-8601 duration such as PT1H or PT5M");
    }
  }

  private static int parseInt(String value) {
    try {
      return Integer.parseInt(value.trim());
    } catch (NumberFormatException e) {
      throw new TypeConversionException("'" + value + "' is not an integer");
    }
  }
}
