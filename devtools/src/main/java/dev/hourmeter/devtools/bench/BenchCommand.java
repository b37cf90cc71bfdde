package dev.hourmeter.devtools.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.hourmeter.client.SettingResolver;
import dev.hourmeter.worker.HourmeterMain;
import dev.hourmeter.worker.settings.Batching;
import dev.hourmeter.worker.settings.BatchingOptions;
import dev.hourmeter.workflows.model.api.MeteringTuning;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Callable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

/**
 * {@code ./hourmeter bench}: a benchmark, not a test. It starts the servers it needs, meters one
 * full period of N customers, prints a table and writes the figures as a JSON object.
 */
@Command(
    name = "bench",
    mixinStandardHelpOptions = true,
    description =
        "Benchmark one worker: N customers metering against the real Temporal dev server (if a "
            + "'temporal' binary is found, else the in-process server) and the simulator's 10 calls/s quota.")
public final class BenchCommand implements Callable<Integer> {

  private static final Logger log = LoggerFactory.getLogger(BenchCommand.class);

  @Option(
      names = "--customers",
      defaultValue = "200",
      description = "Customers (default ${DEFAULT-VALUE}).")
  int customers;

  @Option(
      names = "--dimensions",
      defaultValue = "1",
      description = "Dimensions per customer (default ${DEFAULT-VALUE}).")
  int dimensions;

  @Option(
      names = "--licensed",
      description =
          "Licensed customers (Concurrent Agreements): two licenses per AWS account, each record"
              + " with its LicenseArn.")
  boolean licensed;

  @Option(
      names = "--tag-sets",
      defaultValue = "0",
      description =
          "Tag sets per customer, dimension and period (default ${DEFAULT-VALUE}: untagged, zero"
              + " records): each is usage with its own tags, so every record carries that many"
              + " UsageAllocations.")
  int tagSets;

  @Option(
      names = "--period",
      defaultValue = "PT1M",
      description =
          "Metering period (default ${DEFAULT-VALUE}; use PT2M or longer for 10,000 customers).")
  String period;

  @Mixin BatchingOptions batchingOptions;

  @ParentCommand HourmeterMain root;

  @Option(
      names = "--entitlement-max-age",
      description =
          "How long customers reuse an entitlement check (default: the workflow's, six periods at most "
              + "PT6H; the measured period then reuses it; PT0S checks every period).")
  String entitlementMaxAge;

  @Option(
      names = "--close-spread",
      description =
          "The customers' close spread: each closes at its stable offset in it after the period's"
              + " end plus grace (default: the workflow's, PT20M for hourly periods, period/3 for"
              + " shorter ones; PT0S closes every customer at the same instant).")
  String closeSpread;

  @Option(
      names = "--server",
      defaultValue = "auto",
      description =
          "auto (the Temporal CLI dev server when found, else in-process), cli or in-process.")
  String server;

  @Option(
      names = "--out",
      description = "JSON output file (default target/bench/bench-<customers>x<dimensions>.json).")
  Path out;

  @Override
  public Integer call() throws Exception {
    if (customers < 1) {
      throw new IllegalArgumentException("--customers: must be >= 1, got " + customers);
    }
    if (dimensions < 1 || dimensions > 25) {
      throw new IllegalArgumentException("--dimensions: must be 1..25, got " + dimensions);
    }
    if (tagSets < 0 || tagSets > 2500) {
      throw new IllegalArgumentException("--tag-sets: must be 0..2500, got " + tagSets);
    }
    if (!server.equals("auto") && !server.equals("cli") && !server.equals("in-process")) {
      throw new IllegalArgumentException(
          "--server: must be auto, cli or in-process, got '" + server + "'");
    }
    Batching batching = batchingOptions.resolve(new SettingResolver(root.env()));
    Path workDir = Path.of("target", "bench");
    Path json =
        out != null
            ? out
            : workDir.resolve(
                "bench-"
                    + customers
                    + "x"
                    + dimensions
                    + (licensed ? "-licensed" : "")
                    + (tagSets > 0 ? "-tags" + tagSets : "")
                    + (batching.enabled() ? "" : "-nobatching")
                    + ".json");
    Duration maxAge =
        entitlementMaxAge == null
            ? null
            : SettingResolver.parseDuration("--entitlement-max-age", entitlementMaxAge);
    if (maxAge != null && maxAge.isNegative()) {
      throw new IllegalArgumentException(
          "--entitlement-max-age: must not be negative, got " + entitlementMaxAge);
    }
    Duration measuredPeriod = SettingResolver.parseDuration("--period", period);
    if (measuredPeriod.isNegative() || measuredPeriod.isZero()) {
      throw new IllegalArgumentException("--period: must be positive, got " + period);
    }
    Duration spread =
        closeSpread == null ? null : SettingResolver.parseDuration("--close-spread", closeSpread);
    if (spread != null) {
      String problem = MeteringTuning.closeSpreadProblem(spread, measuredPeriod);
      if (problem != null) {
        throw new IllegalArgumentException("--close-spread: " + problem);
      }
    }
    BenchReport report =
        new BenchRunner(
                new BenchRunner.Options(
                    customers,
                    dimensions,
                    licensed,
                    measuredPeriod,
                    batching,
                    maxAge,
                    server,
                    workDir,
                    tagSets,
                    spread))
            .run();
    Files.createDirectories(json.toAbsolutePath().getParent());
    new ObjectMapper()
        .enable(SerializationFeature.INDENT_OUTPUT)
        .writeValue(json.toFile(), report.figures());
    log.info(
        "benchmark figures (JSON in {}):%n{}".replace("%n", System.lineSeparator()),
        json,
        report.table());
    return 0;
  }
}
