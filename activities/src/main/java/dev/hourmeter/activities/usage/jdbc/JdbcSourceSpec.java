package dev.hourmeter.activities.usage.jdbc;

import java.io.IOException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.function.UnaryOperator;
import java.util.regex.Pattern;

/**
 * A PostgreSQL usage source as configured: {@code
 * jdbc:postgresql://host[:port]/database[?driver-parameters][#options]}.
 *
 * <p>The part before {@code #} is a pgJDBC URL, handed to the driver as it is except a {@code
 * password} parameter, which is taken out (so it is never in a log line). The options after {@code
 * #} are {@code name=value} pairs joined by {@code &}, values percent-decoded:
 *
 * <ul>
 *   <li>{@code table=[schema.]name} (default {@code usage_events}), or {@code query=SELECT ...} or
 *       {@code query-file=/path/usage.sql}: a query returning the columns below (used as a
 *       subquery, never with values put in its text).
 *   <li>column names: {@code product=} (default {@code product_code}), {@code customer=}, {@code
 *       license=} ({@code license_arn}), {@code dimension=}, {@code quantity=}, {@code time=}
 *       ({@code event_time}), {@code tags=}, {@code id=}; {@code license}, {@code tags} and {@code
 *       id} may be {@code none}.
 *   <li>{@code password-env=NAME}: the password from that environment variable.
 *   <li>{@code pool=4} (connections at most, 1..64), {@code query-timeout=PT30S}, {@code
 *       connect-timeout=PT10S}.
 * </ul>
 *
 * Identifiers must match {@value #IDENTIFIER_PATTERN} (used quoted, so as written: lower case for
 * names created without quotes).
 *
 * @param url the JDBC URL without its password
 * @param password null when none is given (the server may not ask for one)
 * @param passwordSource where the password came from, for {@link #describe()} (never the password)
 * @param relation the quoted table, or {@code (query)}
 * @param columns the quoted column names, or null for an absent optional column
 */
public record JdbcSourceSpec(
    String url,
    String password,
    String passwordSource,
    String relation,
    String relationText,
    Columns columns,
    int pool,
    Duration queryTimeout,
    Duration connectTimeout) {

  public static final String IDENTIFIER_PATTERN = "[A-Za-z_][A-Za-z0-9_]{0,62}";
  public static final String DEFAULT_TABLE = "usage_events";
  public static final int DEFAULT_POOL = 4;
  public static final int MAX_POOL = 64;
  public static final Duration DEFAULT_QUERY_TIMEOUT = Duration.ofSeconds(30);
  public static final Duration DEFAULT_CONNECT_TIMEOUT = Duration.ofSeconds(10);

  private static final Pattern IDENTIFIER = Pattern.compile(IDENTIFIER_PATTERN);
  private static final String PREFIX = "jdbc:postgresql:";
  private static final Set<String> OPTIONAL = Set.of("license", "tags", "id");
  private static final Map<String, String> DEFAULT_COLUMNS = defaultColumns();

  /**
   * The quoted column expressions of a usage row.
   *
   * @param license null: rows have no license (usage of customers without one)
   * @param tags null: rows are untagged
   * @param id null: rows have no id (refused rows are not named)
   */
  public record Columns(
      String product,
      String customer,
      String license,
      String dimension,
      String quantity,
      String time,
      String tags,
      String id) {}

  private static Map<String, String> defaultColumns() {
    Map<String, String> m = new LinkedHashMap<>();
    m.put("product", "product_code");
    m.put("customer", "customer");
    m.put("license", "license_arn");
    m.put("dimension", "dimension");
    m.put("quantity", "quantity");
    m.put("time", "event_time");
    m.put("tags", "tags");
    m.put("id", "id");
    return m;
  }

  /** Whether {@code spec} names this kind of source. */
  public static boolean matches(String spec) {
    return spec != null && spec.strip().startsWith(PREFIX);
  }

  /**
   * Parses {@code spec}; {@code env} reads environment variables.
   *
   * @throws IllegalArgumentException naming {@code option}, never quoting the password
   */
  public static JdbcSourceSpec parse(String option, String spec, UnaryOperator<String> env) {
    String value = spec.strip();
    int hash = value.indexOf('#');
    String url = hash < 0 ? value : value.substring(0, hash);
    String fragment = hash < 0 ? "" : value.substring(hash + 1);

    // The password parameter is taken out of the URL: it must never reach a log line.
    String password = null;
    String passwordSource = null;
    int question = url.indexOf('?');
    if (question >= 0) {
      List<String> kept = new ArrayList<>();
      for (String param : url.substring(question + 1).split("&", -1)) {
        if (param.regionMatches(true, 0, "password=", 0, 9)) {
          password = decode(option, param.substring(9), "password");
          passwordSource = "in the URL";
        } else if (!param.isEmpty()) {
          kept.add(param);
        }
      }
      url = url.substring(0, question) + (kept.isEmpty() ? "" : "?" + String.join("&", kept));
    }
    if (!url.startsWith(PREFIX)
        || org.postgresql.Driver.parseURL(url, new Properties()) == null
        || url.length() <= PREFIX.length() + 2
        || !url.startsWith(PREFIX + "//")) {
      throw new IllegalArgumentException(
          option
              + ": not a PostgreSQL JDBC URL: '"
              + redactedUrl(url)
              + "'; expected jdbc:postgresql://host[:port]/database[?user=...][#table=usage_events]");
    }

    Map<String, String> options = options(option, fragment);
    String relation;
    String relationText;
    int kinds =
        (options.containsKey("table") ? 1 : 0)
            + (options.containsKey("query") ? 1 : 0)
            + (options.containsKey("query-file") ? 1 : 0);
    if (kinds > 1) {
      throw new IllegalArgumentException(
          option + ": give one of table=, query= and query-file=, not several");
    }
    if (options.containsKey("query") || options.containsKey("query-file")) {
      String query =
          options.containsKey("query")
              ? options.remove("query")
              : readQuery(option, options.remove("query-file"));
      query = query.strip();
      while (query.endsWith(";")) {
        query = query.substring(0, query.length() - 1).strip();
      }
      if (query.isEmpty() || query.contains(";")) {
        throw new IllegalArgumentException(
            option + ": query must be one SELECT statement (no ';' inside), got '" + query + "'");
      }
      relation = "(" + query + ") AS usage_rows";
      relationText = "query";
    } else {
      String table = options.getOrDefault("table", DEFAULT_TABLE);
      options.remove("table");
      String[] parts = table.split("\\.", -1);
      if (parts.length > 2) {
        throw new IllegalArgumentException(
            option + ": table must be name or schema.name, got '" + table + "'");
      }
      List<String> quoted = new ArrayList<>();
      for (String part : parts) {
        quoted.add(identifier(option, "table", part));
      }
      relation = String.join(".", quoted);
      relationText = "table=" + table;
    }

    Map<String, String> names = new LinkedHashMap<>();
    for (Map.Entry<String, String> d : DEFAULT_COLUMNS.entrySet()) {
      String given = options.remove(d.getKey());
      String name = given == null ? d.getValue() : given;
      if (name.equalsIgnoreCase("none")) {
        if (!OPTIONAL.contains(d.getKey())) {
          throw new IllegalArgumentException(
              option
                  + ": column "
                  + d.getKey()
                  + "= is required (only license, tags, id can be none)");
        }
        names.put(d.getKey(), null);
      } else {
        names.put(d.getKey(), identifier(option, d.getKey(), name));
      }
    }
    Columns columns =
        new Columns(
            names.get("product"),
            names.get("customer"),
            names.get("license"),
            names.get("dimension"),
            names.get("quantity"),
            names.get("time"),
            names.get("tags"),
            names.get("id"));

    String passwordEnv = options.remove("password-env");
    if (passwordEnv != null) {
      if (!passwordEnv.matches("[A-Za-z_][A-Za-z0-9_]*")) {
        throw new IllegalArgumentException(
            option + ": password-env must name an environment variable, got '" + passwordEnv + "'");
      }
      if (password != null) {
        throw new IllegalArgumentException(
            option + ": give the password in the URL or password-env=, not both");
      }
      password = env.apply(passwordEnv);
      if (password == null || password.isEmpty()) {
        throw new IllegalArgumentException(
            option + ": password-env=" + passwordEnv + " names a variable that is not set");
      }
      passwordSource = "from $" + passwordEnv;
    }
    int pool = pool(option, options.remove("pool"));
    Duration queryTimeout =
        duration(option, "query-timeout", options.remove("query-timeout"), DEFAULT_QUERY_TIMEOUT);
    Duration connectTimeout =
        duration(
            option, "connect-timeout", options.remove("connect-timeout"), DEFAULT_CONNECT_TIMEOUT);
    if (!options.isEmpty()) {
      throw new IllegalArgumentException(
          option
              + ": unknown option(s) "
              + options.keySet()
              + " after '#'; known: table, query, query-file, "
              + String.join(", ", DEFAULT_COLUMNS.keySet())
              + ", password-env, pool, query-timeout, connect-timeout");
    }
    return new JdbcSourceSpec(
        url,
        password,
        passwordSource,
        relation,
        relationText,
        columns,
        pool,
        queryTimeout,
        connectTimeout);
  }

  /** What this source is, for logs: never the password. */
  public String describe() {
    return url
        + " ("
        + relationText
        + (passwordSource == null ? "" : ", password " + passwordSource)
        + ", pool "
        + pool
        + ")";
  }

  @Override
  public String toString() {
    return describe();
  }

  /** {@code spec} with the value of any {@code password=} parameter replaced, for logs. */
  public static String redact(String spec) {
    return spec == null ? null : spec.replaceAll("(?i)(password=)[^&#]*", "$1***");
  }

  private static String redactedUrl(String url) {
    return redact(url);
  }

  private static Map<String, String> options(String option, String fragment) {
    Map<String, String> options = new LinkedHashMap<>();
    if (fragment.isBlank()) {
      return options;
    }
    for (String pair : fragment.split("&", -1)) {
      if (pair.isBlank()) {
        continue;
      }
      int eq = pair.indexOf('=');
      if (eq <= 0) {
        throw new IllegalArgumentException(
            option + ": option '" + pair + "' after '#' must be name=value");
      }
      String name = pair.substring(0, eq).strip().toLowerCase(Locale.ROOT);
      String value = decode(option, pair.substring(eq + 1), name).strip();
      if (options.put(name, value) != null) {
        throw new IllegalArgumentException(option + ": option " + name + "= given twice");
      }
    }
    return options;
  }

  private static String decode(String option, String text, String name) {
    try {
      return URLDecoder.decode(text, StandardCharsets.UTF_8);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(
          option + ": " + name + "= is not percent-encoded correctly", e);
    }
  }

  private static String identifier(String option, String what, String name) {
    if (!IDENTIFIER.matcher(name).matches()) {
      throw new IllegalArgumentException(
          option
              + ": "
              + what
              + "= must be an SQL identifier matching "
              + IDENTIFIER_PATTERN
              + ", got '"
              + name
              + "'");
    }
    return '"' + name + '"';
  }

  private static String readQuery(String option, String file) {
    try {
      return Files.readString(Path.of(file), StandardCharsets.UTF_8);
    } catch (IOException | RuntimeException e) {
      throw new IllegalArgumentException(
          option + ": cannot read query-file=" + file + ": " + e.getMessage(), e);
    }
  }

  private static int pool(String option, String text) {
    if (text == null) {
      return DEFAULT_POOL;
    }
    try {
      int pool = Integer.parseInt(text);
      if (pool >= 1 && pool <= MAX_POOL) {
        return pool;
      }
    } catch (NumberFormatException e) {
      // reported below
    }
    throw new IllegalArgumentException(
        option + ": pool= must be a whole number from 1 to " + MAX_POOL + ", got '" + text + "'");
  }

  private static Duration duration(String option, String name, String text, Duration fallback) {
    if (text == null) {
      return fallback;
    }
    try {
      Duration d = Duration.parse(text);
      if (d.toMillis() >= 250 && d.compareTo(Duration.ofHours(1)) <= 0) {
        return d;
      }
    } catch (DateTimeParseException e) {
      // reported below
    }
    throw new IllegalArgumentException(
        option
            + ": "
            + name
            + "= must be an ISO-8601 duration from PT0.25S to PT1H, e.g. PT30S, got '"
            + text
            + "'");
  }
}
