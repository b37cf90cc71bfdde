package dev.hourmeter.activities.usage;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import dev.hourmeter.workflows.model.CustomerId;
import dev.hourmeter.workflows.model.Quantities;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Usage from a JSON-lines file, one entry per line:
 *
 * <pre>
 * {"productCode":"p","customer":"c","dimension":"d","quantity":5,"timestamp":"2026-11-26T10:15:00Z"}
 * </pre>
 *
 * Blank lines and lines starting with {@code #} are ignored. {@code customer} is the customer
 * identifier or the 12-digit AWS account id, as a string; {@code quantity} a non-negative number,
 * whole or with at most 6 decimal places (exact, never rounded); {@code timestamp} an ISO-8601
 * instant (an offset such as {@code +01:00} is accepted).
 *
 * <p>The file is read on every call, so another process may append to it. A malformed line is
 * skipped with a WARN naming the file and line number (once per line, not every period); an
 * unterminated last line that does not parse is taken as still being written and skipped quietly. A
 * missing file means no usage (WARN once until it appears). Other I/O errors propagate (the
 * activity retries).
 */
public final class JsonLinesUsageSource implements UsageSource {

  private static final Logger log = LoggerFactory.getLogger(JsonLinesUsageSource.class);
  private static final int MAX_REMEMBERED_WARNINGS = 10_000;

  private final Path file;
  private final ObjectMapper mapper =
      JsonMapper.builder().enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS).build();
  private final AtomicBoolean missingWarned = new AtomicBoolean();
  private final Set<String> warnedLines = ConcurrentHashMap.newKeySet();

  public JsonLinesUsageSource(Path file) {
    this.file = Objects.requireNonNull(file, "file");
  }

  public Path file() {
    return file;
  }

  @Override
  public String describe() {
    return "file:" + file;
  }

  @Override
  public List<UsageObservation> usageBetween(
      String productCode, CustomerId customer, Instant fromInclusive, Instant toExclusive) {
    Objects.requireNonNull(productCode, "productCode");
    Objects.requireNonNull(customer, "customer");
    String customerValue = customer.value();
    List<UsageObservation> found = new ArrayList<>();
    for (UsageObservation o : readAll()) {
      if (productCode.equals(o.productCode())
          && customerValue.equals(o.customer())
          && !o.timestamp().isBefore(fromInclusive)
          && o.timestamp().isBefore(toExclusive)) {
        found.add(o);
      }
    }
    return found;
  }

  /** Every well-formed entry of the file, in file order. */
  public List<UsageObservation> readAll() {
    List<Line> lines;
    try (Reader reader =
        new InputStreamReader(Files.newInputStream(file), StandardCharsets.UTF_8)) {
      lines = split(reader);
    } catch (NoSuchFileException e) {
      if (missingWarned.compareAndSet(false, true)) {
        log.warn("usage file {} does not exist: reporting no usage until it does", file);
      }
      return List.of();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read usage file " + file + ": " + e.getMessage(), e);
    }
    if (missingWarned.compareAndSet(true, false)) {
      log.info("usage file {} exists now", file);
    }
    List<UsageObservation> observations = new ArrayList<>();
    for (Line line : lines) {
      String text = line.text().strip();
      if (text.isEmpty() || text.startsWith("#")) {
        continue;
      }
      try {
        observations.add(parse(text));
      } catch (MalformedLineException e) {
        if (!line.terminated()) {
          log.debug(
              "usage file {} line {}: unterminated and unparsable, probably still being written",
              file,
              line.number());
        } else {
          warnOnce(line, e.getMessage());
        }
      }
    }
    return observations;
  }

  private void warnOnce(Line line, String problem) {
    if (warnedLines.size() > MAX_REMEMBERED_WARNINGS) {
      warnedLines.clear();
    }
    if (warnedLines.add(line.number() + ":" + line.text().hashCode())) {
      log.warn("usage file {} line {}: skipped malformed entry: {}", file, line.number(), problem);
    } else {
      log.debug("usage file {} line {}: skipped malformed entry: {}", file, line.number(), problem);
    }
  }

  private UsageObservation parse(String text) throws MalformedLineException {
    JsonNode node;
    try {
      node = mapper.readTree(text);
    } catch (JsonProcessingException e) {
      throw new MalformedLineException("not valid JSON (" + e.getOriginalMessage() + ")");
    }
    if (node == null || !node.isObject()) {
      throw new MalformedLineException("not a JSON object");
    }
    String productCode = requiredText(node, "productCode");
    String customer = requiredText(node, "customer");
    String dimension = requiredText(node, "dimension");
    BigDecimal quantity = quantity(node.get("quantity"));
    String timestampText = requiredText(node, "timestamp");
    Instant timestamp;
    try {
      timestamp = Instant.parse(timestampText);
    } catch (DateTimeParseException e) {
      try {
        timestamp = OffsetDateTime.parse(timestampText).toInstant();
      } catch (DateTimeParseException e2) {
        throw new MalformedLineException(
            "'timestamp' is not an ISO-8601 instant: '" + timestampText + "'");
      }
    }
    return new UsageObservation(productCode, customer, dimension, quantity, timestamp);
  }

  /** An exact quantity: a JSON number >= 0 with at most 6 decimal places (never rounded). */
  private static BigDecimal quantity(JsonNode node) throws MalformedLineException {
    if (node == null || !node.isNumber()) {
      throw new MalformedLineException(
          "'quantity' must be a number (whole or with at most 6 decimals)");
    }
    BigDecimal quantity = Quantities.canonical(node.decimalValue());
    if (quantity.signum() < 0) {
      throw new MalformedLineException(
          "'quantity' must not be negative, got " + quantity.toPlainString());
    }
    if (quantity.scale() > Quantities.MAX_DECIMAL_PLACES) {
      throw new MalformedLineException(
          "'quantity' has more than "
              + Quantities.MAX_DECIMAL_PLACES
              + " decimal places: "
              + quantity.toPlainString());
    }
    return quantity;
  }

  private static String requiredText(JsonNode node, String field) throws MalformedLineException {
    JsonNode value = node.get(field);
    if (value == null || !value.isTextual() || value.asText().isBlank()) {
      throw new MalformedLineException("'" + field + "' must be a non-empty string");
    }
    return value.asText().strip();
  }

  private static List<Line> split(Reader reader) throws IOException {
    List<Line> lines = new ArrayList<>();
    StringBuilder current = new StringBuilder();
    char[] buffer = new char[8192];
    int number = 1;
    boolean previousWasCr = false;
    int read;
    while ((read = reader.read(buffer)) != -1) {
      for (int i = 0; i < read; i++) {
        char c = buffer[i];
        if (c == '\n') {
          if (!previousWasCr) {
            lines.add(new Line(number++, current.toString(), true));
            current.setLength(0);
          }
          previousWasCr = false;
        } else if (c == '\r') {
          lines.add(new Line(number++, current.toString(), true));
          current.setLength(0);
          previousWasCr = true;
        } else {
          current.append(c);
          previousWasCr = false;
        }
      }
    }
    if (!current.isEmpty()) {
      lines.add(new Line(number, current.toString(), false));
    }
    return lines;
  }

  private record Line(int number, String text, boolean terminated) {}

  private static final class MalformedLineException extends Exception {
    private static final long serialVersionUID = 1L;

    MalformedLineException(String message) {
      super(message, null, false, false);
    }
  }
}
