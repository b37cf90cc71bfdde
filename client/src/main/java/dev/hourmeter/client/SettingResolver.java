package dev.hourmeter.client;

import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;

/**
 * The one parser of hourmeter's settings. Each setting has one flag and one environment variable:
 * the flag's value wins (commands collect flags as raw strings, null when not given), then the
 * variable, then the default; blank values count as not given. Every format is parsed here, once:
 * durations are ISO-8601 ({@code PT1S}, {@code PT2M}), booleans {@code true}/{@code false}.
 *
 * <p>A bad value throws {@link IllegalArgumentException} naming the flag, and the variable when the
 * value came from it (commands exit 2 on it): {@code --linger: 'x' is not an ISO-8601 duration such
 * as PT1S} or {@code HOURMETER_LINGER (--linger): ...}.
 */
public final class SettingResolver {

  private final Map<String, String> env;

  public SettingResolver(Map<String, String> env) {
    this.env = Map.copyOf(Objects.requireNonNull(env, "env"));
  }

  /** One setting's raw value and where it came from. */
  private record Raw(String value, String source) {}

  private Raw raw(String flag, String variable, String flagValue) {
    if (flagValue != null && !flagValue.isBlank()) {
      return new Raw(flagValue.trim(), flag);
    }
    String value = variable == null ? null : env.get(variable);
    if (value != null && !value.isBlank()) {
      return new Raw(value.trim(), variable + " (" + flag + ")");
    }
    return null;
  }

  /** A string setting; null only when {@code defaultValue} is null. */
  public String string(String flag, String variable, String flagValue, String defaultValue) {
    Raw raw = raw(flag, variable, flagValue);
    return raw == null ? defaultValue : raw.value();
  }

  /** {@code true} or {@code false} (any case). */
  public boolean bool(String flag, String variable, Boolean flagValue, boolean defaultValue) {
    Boolean value = optionalBool(flag, variable, flagValue);
    return value == null ? defaultValue : value;
  }

  /** As {@link #bool}, null when neither the flag nor the variable is given. */
  public Boolean optionalBool(String flag, String variable, Boolean flagValue) {
    if (flagValue != null) {
      return flagValue;
    }
    Raw raw = raw(flag, variable, null);
    if (raw == null) {
      return null;
    }
    return switch (raw.value().toLowerCase(Locale.ROOT)) {
      case "true" -> true;
      case "false" -> false;
      default -> throw bad(raw, "must be true or false");
    };
  }

  /** A whole number in {@code min..max}. */
  public int integer(
      String flag, String variable, String flagValue, int defaultValue, int min, int max) {
    Raw raw = raw(flag, variable, flagValue);
    if (raw == null) {
      return defaultValue;
    }
    int value;
    try {
      value = Integer.parseInt(raw.value());
    } catch (NumberFormatException e) {
      throw bad(raw, "is not a whole number");
    }
    if (value < min || value > max) {
      throw bad(raw, "must be " + min + ".." + max);
    }
    return value;
  }

  /** A finite number greater than zero. */
  public double positive(String flag, String variable, String flagValue, double defaultValue) {
    Raw raw = raw(flag, variable, flagValue);
    if (raw == null) {
      return defaultValue;
    }
    double value;
    try {
      value = Double.parseDouble(raw.value());
    } catch (NumberFormatException e) {
      throw bad(raw, "is not a number");
    }
    if (!(value > 0) || Double.isInfinite(value)) {
      throw bad(raw, "must be a number > 0");
    }
    return value;
  }

  /** An ISO-8601 duration ({@code PT1S}) of at least {@code min}. */
  public Duration duration(
      String flag, String variable, String flagValue, Duration defaultValue, Duration min) {
    Raw raw = raw(flag, variable, flagValue);
    if (raw == null) {
      return defaultValue;
    }
    Duration value = parseDuration(raw);
    if (value.compareTo(min) < 0) {
      throw bad(raw, "must be at least " + min);
    }
    return value;
  }

  /** An ISO-8601 duration greater than zero. */
  public Duration positiveDuration(
      String flag, String variable, String flagValue, Duration defaultValue) {
    Raw raw = raw(flag, variable, flagValue);
    if (raw == null) {
      return defaultValue;
    }
    Duration value = parseDuration(raw);
    if (value.isNegative() || value.isZero()) {
      throw bad(raw, "must be positive");
    }
    return value;
  }

  /** A file path, or null when not given. */
  public Path path(String flag, String variable, String flagValue) {
    Raw raw = raw(flag, variable, flagValue);
    if (raw == null) {
      return null;
    }
    try {
      return Path.of(raw.value());
    } catch (InvalidPathException e) {
      throw bad(raw, "is not a valid path");
    }
  }

  /** An absolute http(s) URI with a host, or null when not given. */
  public URI endpoint(String flag, String variable, String flagValue) {
    Raw raw = raw(flag, variable, flagValue);
    if (raw == null) {
      return null;
    }
    URI uri;
    try {
      uri = new URI(raw.value());
    } catch (URISyntaxException e) {
      throw bad(raw, "is not a valid URI (" + e.getReason() + ")");
    }
    String scheme = uri.getScheme();
    if (!uri.isAbsolute()
        || uri.getHost() == null
        || !("http".equalsIgnoreCase(scheme) || "https".equalsIgnoreCase(scheme))) {
      throw bad(raw, "must be an absolute http:// or https:// URI with a host");
    }
    return uri;
  }

  /**
   * Parses an ISO-8601 duration given on the command line (client command arguments that have no
   * variable); {@code flag} names it in the error.
   */
  public static Duration parseDuration(String flag, String value) {
    return parseDuration(new Raw(value.trim(), flag));
  }

  private static Duration parseDuration(Raw raw) {
    try {
      return Duration.parse(raw.value());
    } catch (DateTimeParseException e) {
      throw bad(raw, "is not an ISO-8601 duration such as PT1S, PT5M or PT1H");
    }
  }

  private static IllegalArgumentException bad(Raw raw, String problem) {
    return new IllegalArgumentException(raw.source() + ": '" + raw.value() + "' " + problem);
  }
}
