package dev.hourmeter.activities.usage;

import java.net.URI;
import java.nio.file.Path;

/** Builds a {@link UsageSource} from a configuration string. */
public final class UsageSources {

  /** The option name used in error messages when the caller does not give one. */
  public static final String DEFAULT_OPTION = "usage source";

  private UsageSources() {}

  /** {@code none} (also blank or null) or {@code file:/path/to/usage.jsonl}. */
  public static UsageSource fromConfig(String spec) {
    return fromConfig(DEFAULT_OPTION, spec);
  }

  /**
   * Like {@link #fromConfig(String)}; {@code option} (e.g. {@code --usage-source} or {@code
   * HOURMETER_USAGE_SOURCE}) names the setting in the error message.
   *
   * @throws IllegalArgumentException naming {@code option} when the spec is not understood
   */
  public static UsageSource fromConfig(String option, String spec) {
    if (spec == null || spec.isBlank() || spec.trim().equalsIgnoreCase("none")) {
      return NoUsageSource.INSTANCE;
    }
    String value = spec.trim();
    if (value.regionMatches(true, 0, "file:", 0, 5)) {
      String rest = value.substring(5);
      if (rest.isBlank()) {
        throw new IllegalArgumentException(
            option + ": 'file:' needs a path, e.g. file:/var/lib/hourmeter/usage.jsonl");
      }
      try {
        Path path = rest.startsWith("//") ? Path.of(URI.create("file:" + rest)) : Path.of(rest);
        return new JsonLinesUsageSource(path);
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException(
            option + ": invalid file path in '" + value + "': " + e.getMessage(), e);
      }
    }
    throw new IllegalArgumentException(
        option
            + ": unknown usage source '"
            + value
            + "'; expected 'none' or 'file:/path/to/usage.jsonl'");
  }
}
