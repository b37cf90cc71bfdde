package dev.hourmeter.activities.usage;

import dev.hourmeter.activities.usage.jdbc.JdbcSourceSpec;
import dev.hourmeter.activities.usage.jdbc.JdbcUsageSource;
import dev.hourmeter.workflows.model.api.MeteringTuning;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.function.UnaryOperator;

/** Builds a {@link UsageSource} from a configuration string. */
public final class UsageSources {

  /** The option name used in error messages when the caller does not give one. */
  public static final String DEFAULT_OPTION = "usage source";

  private UsageSources() {}

  private static final String RETENTION = "?retention=";

  /**
   * {@code none} (also blank or null), {@code file:/path/to/usage.jsonl}, optionally with {@code
   * ?retention=PT48H} (how long entries are kept, default {@link
   * JsonLinesUsageSource#DEFAULT_RETENTION}), or {@code jdbc:postgresql://host/db?user=u#table=t}
   * (a PostgreSQL table or query, {@link JdbcSourceSpec}).
   */
  public static UsageSource fromConfig(String spec) {
    return fromConfig(DEFAULT_OPTION, spec);
  }

  public static UsageSource fromConfig(String option, String spec) {
    return fromConfig(option, spec, new SimpleMeterRegistry());
  }

  /**
   * Like {@link #fromConfig(String)}; {@code option} (e.g. {@code --usage-source} or {@code
   * HOURMETER_USAGE_SOURCE}) names the setting in the error message.
   *
   * @throws IllegalArgumentException naming {@code option} when the spec is not understood
   */
  public static UsageSource fromConfig(String option, String spec, MeterRegistry registry) {
    return fromConfig(option, spec, registry, System::getenv);
  }

  /** Like {@link #fromConfig(String, String, MeterRegistry)}; {@code env} reads variables. */
  public static UsageSource fromConfig(
      String option, String spec, MeterRegistry registry, UnaryOperator<String> env) {
    if (spec == null || spec.isBlank() || spec.trim().equalsIgnoreCase("none")) {
      return NoUsageSource.INSTANCE;
    }
    String value = spec.trim();
    if (value.regionMatches(true, 0, "file:", 0, 5)) {
      String rest = value.substring(5);
      Duration retention = JsonLinesUsageSource.DEFAULT_RETENTION;
      int query = rest.lastIndexOf(RETENTION);
      if (query >= 0) {
        retention = retention(option, rest.substring(query + RETENTION.length()));
        rest = rest.substring(0, query);
      }
      if (rest.isBlank()) {
        throw new IllegalArgumentException(
            option + ": 'file:' needs a path, e.g. file:/var/lib/hourmeter/usage.jsonl");
      }
      try {
        Path path = rest.startsWith("//") ? Path.of(URI.create("file:" + rest)) : Path.of(rest);
        return new JsonLinesUsageSource(path, retention, registry);
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException(
            option + ": invalid file path in '" + value + "': " + e.getMessage(), e);
      }
    }
    if (value.regionMatches(true, 0, "jdbc:", 0, 5)) {
      if (!JdbcSourceSpec.matches(value)) {
        throw new IllegalArgumentException(
            option
                + ": only PostgreSQL is supported as a JDBC usage source, got '"
                + redact(value)
                + "'; expected jdbc:postgresql://host[:port]/database[?user=...][#table=usage_events]");
      }
      return new JdbcUsageSource(
          JdbcSourceSpec.parse(option, value, env),
          registry,
          MeteringTuning.DEFAULT_MAX_ENTRY_QUANTITY);
    }
    throw new IllegalArgumentException(
        option
            + ": unknown usage source '"
            + redact(value)
            + "'; expected 'none', 'file:/path/to/usage.jsonl' or"
            + " 'jdbc:postgresql://host/database#table=usage_events'");
  }

  /** {@code spec} with any {@code password=} value hidden: what logs and messages may show. */
  public static String redact(String spec) {
    return JdbcSourceSpec.redact(spec);
  }

  private static Duration retention(String option, String text) {
    try {
      Duration retention = Duration.parse(text);
      if (retention.isPositive()) {
        return retention;
      }
    } catch (DateTimeParseException e) {
      // reported below
    }
    throw new IllegalArgumentException(
        option
            + ": retention must be a positive ISO-8601 duration such as PT25H, got '"
            + text
            + "'");
  }
}
