package dev.hourmeter.worker;

import dev.hourmeter.activities.HourmeterActivities;
import dev.hourmeter.activities.SubmissionSettings;
import dev.hourmeter.activities.aws.AwsSettings;
import dev.hourmeter.activities.aws.CloudTrailService;
import dev.hourmeter.activities.aws.MarketplaceGateway;
import dev.hourmeter.activities.aws.MeteringService;
import dev.hourmeter.activities.batching.RecordSender;
import dev.hourmeter.activities.quota.FleetMembership;
import dev.hourmeter.activities.quota.FleetMonitor;
import dev.hourmeter.activities.quota.SharedQuota;
import dev.hourmeter.activities.usage.UsageSource;
import dev.hourmeter.activities.usage.UsageSources;
import dev.hourmeter.activities.verification.CloudTrailReceiptIndex;
import dev.hourmeter.client.TaskQueuePollers;
import dev.hourmeter.worker.agreements.AgreementSuccessionActivitiesImpl;
import dev.hourmeter.worker.settings.AwsEndpoints;
import dev.hourmeter.worker.settings.Batching;
import dev.hourmeter.worker.settings.FleetSharing;
import dev.hourmeter.worker.settings.WorkerSettings;
import dev.hourmeter.workflows.CustomerMeteringWorkflowImpl;
import dev.hourmeter.workflows.activities.AgreementSuccessionActivities;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.temporal.client.WorkflowClient;
import io.temporal.worker.Worker;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The one place a metering worker is wired, for {@code worker}, {@code dev}, {@code bench} and the
 * tests: from {@link WorkerSettings} it builds the AWS gateway, the usage source, the CloudTrail
 * receipt index, the record sender (the shared batcher, or direct when batching is off), the
 * worker's shares of AWS's BatchMeterUsage and LookupEvents quotas ({@link SharedQuota}, told by
 * the gateway when AWS throttles) and the activity implementations, then runs them in a {@link
 * MeteringWorker} ({@link #startWorker}; with fleet sharing, a {@link FleetMonitor} keeps the
 * shares in step with the live workers of the task queue) or registers them on a worker the caller
 * owns ({@link #register}, the test environment's). {@link #close()} stops the fleet monitor and
 * the worker first (running activities finish), then the sender (the batcher flushes what is
 * queued), then the gateway.
 *
 * <p>The only class of this module that knows the activities module's wiring.
 */
public final class WorkerAssembly implements AutoCloseable {

  private final WorkerSettings settings;
  private final MarketplaceGateway gateway;
  private final UsageSource usageSource;
  private final RecordSender sender;
  private final SharedQuota meteringQuota;
  private final SharedQuota lookupQuota;
  private final MeterRegistry registry;
  private final List<Object> activities;
  private MeteringWorker worker;
  private FleetMonitor fleet;

  private WorkerAssembly(Builder b) {
    this.settings = b.settings;
    this.usageSource =
        b.usageSource != null
            ? b.usageSource
            : UsageSources.fromConfig(
                "--usage-source (HOURMETER_USAGE_SOURCE)",
                b.settings.usageSource(),
                b.registry,
                b.environment::get);
    this.registry = b.registry;
    this.gateway = new MarketplaceGateway(awsSettings(settings.aws()), b.registry);
    Batching batching = settings.batching();
    this.meteringQuota = SharedQuota.batchMeterUsage(batching.meteringTps(), b.registry);
    this.lookupQuota = SharedQuota.lookupEvents(settings.aws().cloudTrailTps(), b.registry);
    gateway.onThrottled(MeteringService.BATCH_METER_USAGE, meteringQuota::throttled);
    gateway.onThrottled(CloudTrailService.LOOKUP_EVENTS, lookupQuota::throttled);
    CloudTrailReceiptIndex receipts =
        CloudTrailReceiptIndex.builder(gateway).lookupRate(lookupQuota).clock(b.clock).build();
    this.sender =
        new SubmissionSettings(batching.enabled(), batching.linger(), batching.meteringTps())
            .newSender(gateway, b.registry, meteringQuota);
    List<Object> all =
        new ArrayList<>(HourmeterActivities.all(gateway, usageSource, receipts, sender));
    all.add(b.succession != null ? b.succession : new AgreementSuccessionActivitiesImpl());
    this.activities = List.copyOf(all);
  }

  public static Builder builder(WorkerSettings settings) {
    return new Builder(settings);
  }

  /** Options of the assembly beyond the settings. */
  public static final class Builder {
    private final WorkerSettings settings;
    private MeterRegistry registry = new SimpleMeterRegistry();
    private Clock clock = Clock.systemUTC();
    private UsageSource usageSource;
    private AgreementSuccessionActivities succession;
    private Map<String, String> environment = System.getenv();

    private Builder(WorkerSettings settings) {
      this.settings = Objects.requireNonNull(settings, "settings");
    }

    /** Where the gateway and the batcher report their metrics (default: an in-memory registry). */
    public Builder registry(MeterRegistry value) {
      this.registry = Objects.requireNonNull(value, "registry");
      return this;
    }

    /** AWS's "now" for the CloudTrail index (default: the system clock; tests: skipped time). */
    public Builder clock(Clock value) {
      this.clock = Objects.requireNonNull(value, "clock");
      return this;
    }

    /**
     * Finds successors with this instead of Temporal visibility (tests on the time-skipping server,
     * which has no visibility API).
     */
    public Builder succession(AgreementSuccessionActivities value) {
      this.succession = Objects.requireNonNull(value, "succession");
      return this;
    }

    /**
     * The environment variables the usage source spec may name (its {@code password-env}; default:
     * the process's).
     */
    public Builder environment(Map<String, String> value) {
      this.environment = Objects.requireNonNull(value, "environment");
      return this;
    }

    /** Pulled usage from this source instead of the settings' {@code usageSource} spec. */
    public Builder usageSource(UsageSource value) {
      this.usageSource = Objects.requireNonNull(value, "usageSource");
      return this;
    }

    /**
     * @throws IllegalArgumentException naming the flag when the usage source spec is not valid
     */
    public WorkerAssembly build() {
      return new WorkerAssembly(this);
    }
  }

  /**
   * Starts polling {@code taskQueue} through {@code client}, without fleet sharing (the worker
   * takes its caps alone); {@link #close()} stops it.
   */
  public synchronized MeteringWorker startWorker(WorkflowClient client, String taskQueue) {
    return startWorker(client, taskQueue, FleetSharing.off());
  }

  /**
   * Starts polling {@code taskQueue} through {@code client}; with {@code fleet} sharing on, first
   * counts the workers already polling it (a worker that finds others starts by joining: no AWS
   * calls until they have made room), then keeps counting, and activities are not executed eagerly
   * (they spread over the workers, whose shares of AWS's quota they need). {@link #close()} stops
   * both.
   */
  public synchronized MeteringWorker startWorker(
      WorkflowClient client, String taskQueue, FleetSharing fleetSharing) {
    if (worker != null) {
      throw new IllegalStateException("the worker is already started");
    }
    if (fleetSharing.enabled()) {
      TaskQueuePollers pollers = TaskQueuePollers.of(client, taskQueue);
      fleet =
          FleetMonitor.start(
              pollers::lastAccessByIdentity,
              new FleetMembership(
                  pollers.identity(),
                  FleetSharing.STALE_AFTER,
                  fleetSharing.settleDelay(),
                  Clock.systemUTC()),
              fleetSharing.refresh(),
              List.of(meteringQuota, lookupQuota),
              registry,
              taskQueue);
    }
    worker =
        new MeteringWorker(
                client,
                taskQueue,
                settings.virtualThreads(),
                settings.capacity(),
                fleetSharing.enabled(),
                activities)
            .start();
    return worker;
  }

  /** Registers the workflow and the activities on a worker the caller owns and starts. */
  public void register(Worker target) {
    target.registerWorkflowImplementationTypes(CustomerMeteringWorkflowImpl.class);
    target.registerActivitiesImplementations(activities.toArray());
  }

  /** This worker's part of AWS's BatchMeterUsage quota. */
  public SharedQuota meteringQuota() {
    return meteringQuota;
  }

  /** This worker's part of AWS's CloudTrail LookupEvents quota. */
  public SharedQuota lookupQuota() {
    return lookupQuota;
  }

  /** The AWS gateway the activities call through (tests read and stub through it). */
  public MarketplaceGateway gateway() {
    return gateway;
  }

  /** Where pulled usage comes from, for the startup log. */
  public String describeUsageSource() {
    return usageSource.describe();
  }

  public WorkerSettings settings() {
    return settings;
  }

  @Override
  public synchronized void close() {
    if (fleet != null) {
      fleet.close();
    }
    if (worker != null) {
      worker.close();
    }
    sender.close();
    gateway.close();
    if (usageSource instanceof AutoCloseable closeable) {
      try {
        closeable.close();
      } catch (Exception e) {
        throw new IllegalStateException("closing the usage source failed", e);
      }
    }
  }

  private static AwsSettings awsSettings(AwsEndpoints aws) {
    return new AwsSettings(
        aws.region(),
        aws.meteringEndpoint(),
        aws.entitlementEndpoint(),
        aws.cloudTrailEndpoint(),
        aws.simulator()
            ? AwsSettings.Credentials.SIMULATOR_DUMMY
            : AwsSettings.Credentials.DEFAULT_CHAIN,
        null,
        null);
  }
}
