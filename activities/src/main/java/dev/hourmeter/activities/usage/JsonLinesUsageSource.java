package dev.hourmeter.activities.usage;

import dev.hourmeter.workflows.model.api.CustomerId;
import dev.hourmeter.workflows.model.api.MeteringTuning;
import dev.hourmeter.workflows.state.UsageReportValidator;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Usage from a JSON-lines file another process appends to, one entry per line (see {@link
 * UsageLineParser}). One instance per file per worker, shared by every activity call (thread-safe).
 *
 * <p>The file is read incrementally ({@link UsageFileTailer}): each call first takes the complete
 * lines appended since the last call (a partial last line waits for its newline; rotation and
 * truncation are followed), parses each line once into a {@link UsageIndex} of sums, then answers
 * from the index. So N customers closing at once read the file once, and memory grows with the
 * distinct (product, customer, dimension, second) keys, not with the file.
 *
 * <p>Entries stamped more than {@code retention} (default 25 hours) before the end of the newest
 * range asked for are forgotten; a line already that old when read is not billable: WARN and
 * counted {@code expired}. A malformed line: WARN naming the file and line, counted {@code
 * malformed}. A line whose quantity is above the per-entry limit the pushed reports have ({@code
 * maxEntryQuantity}, default AWS's per-record maximum, checked by the same rule, {@link
 * UsageReportValidator#entryLimitProblem}) is never billed: WARN, counted {@code over_limit}, and
 * kept as a count its customer's collect reports (shown in {@code status}). All once per line (each
 * line is read once). Counter: {@value #LINES_METRIC}, tag {@code outcome} = {@code
 * accepted|malformed|expired|over_limit}. A line of a dimension the customer is not metered on is
 * accepted here and left out, counted, by the collect. A missing file means no usage (WARN once
 * until it appears). Other I/O errors propagate (the activity retries).
 */
public final class JsonLinesUsageSource implements UsageSource, AutoCloseable {

  public static final String LINES_METRIC = "hourmeter.usage.file.lines";
  public static final Duration DEFAULT_RETENTION = Duration.ofHours(25);

  private static final Logger log = LoggerFactory.getLogger(JsonLinesUsageSource.class);
  private static final int EXPIRED_WARNINGS_PER_READ = 20;
  private static final long EVICT_EVERY_SECONDS = 60;

  private final Path file;
  private final Duration retention;
  private final long maxEntryQuantity;
  private final UsageLineParser parser = new UsageLineParser();
  private final UsageFileTailer tailer;
  private final UsageIndex index = new UsageIndex();
  private final Counter accepted;
  private final Counter malformed;
  private final Counter expired;
  private final Counter overLimit;

  // Guarded by this.
  private boolean missingWarned;
  private long horizonSecond = Long.MIN_VALUE;
  private long evictedThrough = Long.MIN_VALUE;
  private int expiredThisRead;

  public JsonLinesUsageSource(Path file) {
    this(file, DEFAULT_RETENTION, new SimpleMeterRegistry());
  }

  public JsonLinesUsageSource(Path file, Duration retention, MeterRegistry registry) {
    this(file, retention, registry, MeteringTuning.DEFAULT_MAX_ENTRY_QUANTITY);
  }

  /** {@code maxEntryQuantity}: a line above it is refused (counted {@code over_limit}). */
  public JsonLinesUsageSource(
      Path file, Duration retention, MeterRegistry registry, long maxEntryQuantity) {
    if (maxEntryQuantity < 1) {
      throw new IllegalArgumentException(
          "maxEntryQuantity must be at least 1, got " + maxEntryQuantity);
    }
    this.maxEntryQuantity = maxEntryQuantity;
    this.file = Objects.requireNonNull(file, "file");
    this.retention = Objects.requireNonNull(retention, "retention");
    if (!retention.isPositive()) {
      throw new IllegalArgumentException("retention must be positive, got " + retention);
    }
    this.tailer = new UsageFileTailer(file);
    this.accepted = lines(registry, "accepted");
    this.malformed = lines(registry, "malformed");
    this.expired = lines(registry, "expired");
    this.overLimit = lines(registry, "over_limit");
  }

  private static Counter lines(MeterRegistry registry, String outcome) {
    return Counter.builder(LINES_METRIC)
        .description("Lines read from the usage file, by outcome")
        .tag("outcome", outcome)
        .register(registry);
  }

  public Path file() {
    return file;
  }

  public Duration retention() {
    return retention;
  }

  @Override
  public String describe() {
    return "file:" + file;
  }

  /** One observation per dimension: its entries in the range summed, stamped {@code from}. */
  @Override
  public List<UsageObservation> usageBetween(
      String productCode, CustomerId customer, Instant fromInclusive, Instant toExclusive) {
    List<UsageObservation> found = new ArrayList<>();
    TimeRange range = new TimeRange(fromInclusive, toExclusive);
    for (Map<String, DimensionTotal> sums : totals(productCode, customer, List.of(range))) {
      sums.forEach(
          (dimension, total) -> {
            if (total.entries() > 0) { // not one made only of refused lines
              found.add(
                  new UsageObservation(
                      productCode,
                      customer.value(),
                      dimension,
                      total.quantity(),
                      fromInclusive,
                      customer.hasLicense() ? customer.licenseArn() : null));
            }
          });
    }
    return found;
  }

  @Override
  public synchronized List<Map<String, DimensionTotal>> totals(
      String productCode, CustomerId customer, List<TimeRange> ranges) {
    Objects.requireNonNull(productCode, "productCode");
    Objects.requireNonNull(customer, "customer");
    ranges.stream()
        .map(TimeRange::to)
        .max(Instant::compareTo)
        .ifPresent(end -> advanceHorizon(end.minus(retention)));
    catchUp();
    List<Map<String, DimensionTotal>> result = new ArrayList<>(ranges.size());
    for (TimeRange range : ranges) {
      result.add(
          range.from().getEpochSecond() < horizonSecond
              ? null
              : index.totals(
                  productCode,
                  customer.value(),
                  customer.hasLicense() ? customer.licenseArn() : null,
                  range));
    }
    return result;
  }

  /** Keys held in memory (for tests and figures). */
  public synchronized long indexedKeys() {
    return index.keys();
  }

  private void advanceHorizon(Instant horizon) {
    horizonSecond = Math.max(horizonSecond, horizon.getEpochSecond());
    if (evictedThrough == Long.MIN_VALUE || horizonSecond - evictedThrough >= EVICT_EVERY_SECONDS) {
      long removed = index.evictBefore(horizonSecond);
      evictedThrough = horizonSecond;
      if (removed > 0) {
        log.debug("usage file {}: forgot {} sums stamped before the horizon", file, removed);
      }
    }
  }

  private void catchUp() {
    expiredThisRead = 0;
    boolean exists;
    try {
      exists = tailer.catchUp(this::take);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read usage file " + file + ": " + e.getMessage(), e);
    }
    if (expiredThisRead > EXPIRED_WARNINGS_PER_READ) {
      log.warn(
          "usage file {}: {} lines in all were older than the retention horizon {} and not billed"
              + " (only the first {} named)",
          file,
          expiredThisRead,
          Instant.ofEpochSecond(horizonSecond),
          EXPIRED_WARNINGS_PER_READ);
    }
    if (!exists && !missingWarned) {
      missingWarned = true;
      log.warn("usage file {} does not exist: reporting no usage until it does", file);
    } else if (exists && missingWarned) {
      missingWarned = false;
      log.info("usage file {} exists now", file);
    }
  }

  private void take(long number, byte[] bytes, int offset, int length) {
    if (UsageLineParser.ignorable(bytes, offset, length)) {
      return;
    }
    UsageObservation o;
    try {
      o = parser.parse(bytes, offset, length);
    } catch (UsageLineParser.MalformedLineException e) {
      malformed.increment();
      log.warn("usage file {} line {}: skipped malformed entry: {}", file, number, e.getMessage());
      return;
    }
    if (o.timestamp().getEpochSecond() < horizonSecond) {
      expired.increment();
      if (++expiredThisRead <= EXPIRED_WARNINGS_PER_READ) {
        log.warn(
            "usage file {} line {}: not billed: stamped {}, older than the retention horizon {}"
                + " (retention {}): {}",
            file,
            number,
            o.timestamp(),
            Instant.ofEpochSecond(horizonSecond),
            retention,
            new String(bytes, offset, Math.min(length, 200), StandardCharsets.UTF_8));
      }
      return;
    }
    String problem =
        UsageReportValidator.entryLimitProblem(o.quantity(), maxEntryQuantity, "'quantity'");
    if (problem != null) {
      overLimit.increment();
      index.addOverLimit(o);
      log.warn(
          "usage file {} line {}: not billed: {} (product={} customer={} dimension={})",
          file,
          number,
          problem,
          o.productCode(),
          o.customer(),
          o.dimension());
      return;
    }
    accepted.increment();
    index.add(o);
  }

  @Override
  public synchronized void close() {
    try {
      tailer.close();
    } catch (IOException e) {
      log.debug("closing usage file {}: {}", file, e.getMessage());
    }
  }

  /** For tests: the totals of one range. */
  synchronized Map<String, DimensionTotal> totalsBetween(
      String productCode, CustomerId customer, Instant from, Instant to) {
    Map<String, DimensionTotal> sums =
        totals(productCode, customer, List.of(new TimeRange(from, to))).get(0);
    return sums == null ? null : new TreeMap<>(sums);
  }
}
