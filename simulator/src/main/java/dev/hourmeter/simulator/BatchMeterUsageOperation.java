package dev.hourmeter.simulator;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * BatchMeterUsage with the rules AWS enforces: whole-batch rejection for invalid product, customer,
 * license, dimension, timestamp or allocations; per-record CustomerNotSubscribed; per-period
 * deduplication. Checks run in that order, each over all records, so the first failing category
 * decides the error. A request carries either a ProductCode (legacy products) or a LicenseArn in
 * every record (concurrent-agreements products, see {@link LicenseCheck}).
 *
 * <p>A record is billed under ProductCode (legacy identity) or LicenseArn alike; one arriving for a
 * buyer, product and hour the ledger already bills under the other kind is billed too, as AWS does,
 * and flagged ({@link LedgerEntry#identityOverlap()}). A CustomerIdentifier is matched to its
 * buyer's AWS account through the agreement that issued it (what ResolveCustomer answers).
 *
 * <p>Records using {@code Quantity} or {@code AllocatedUsageQuantity} (deprecated by AWS on
 * 2026-10-20, still accepted) are counted in the ledger whatever becomes of them, once the request
 * is well formed; the first one after start or reset is logged at WARN, later ones at DEBUG.
 */
final class BatchMeterUsageOperation implements OperationHandler {

  private static final Logger LOG = LoggerFactory.getLogger(BatchMeterUsageOperation.class);

  private final SimulatorState state;
  private final CloudTrailEventFactory events;

  BatchMeterUsageOperation(SimulatorState state, CloudTrailEventFactory events) {
    this.state = state;
    this.events = events;
  }

  @Override
  public ObjectNode handle(JsonNode request, CallContext context) {
    MeteringRequestParser.MeteringRequest parsed = MeteringRequestParser.parse(request);
    List<UsageRecordInput> records = parsed.records();
    synchronized (state) {
      noteDeprecatedQuantity(records, context);
      Instant now = state.clock.now();
      String productCode = parsed.productCode();
      boolean licensed = productCode == null;
      if (!licensed) {
        checkProduct(productCode);
      }
      checkCustomers(records, licensed || state.catalog.isConcurrentAgreements(productCode));
      if (licensed) {
        productCode = LicenseCheck.productOf(state.catalog, records);
      } else {
        LicenseCheck.checkProductRequest(state.catalog, productCode);
      }
      if (productCode != null) {
        checkDimensions(productCode, records);
      }
      checkTimestamps(records, now);
      records.forEach(UsageAllocationsValidator::validate);
      if (state.catalog.autoSubscribe() && productCode != null) {
        state.catalog.registerProduct(
            new ProductSpec(
                productCode,
                records.stream().map(UsageRecordInput::dimension).distinct().toList()));
      }

      List<MeteredRecord> results = new ArrayList<>();
      List<UsageRecordInput> unprocessed = new ArrayList<>();
      for (UsageRecordInput record : records) {
        if (state.faults.leaveUnprocessed()) {
          unprocessed.add(record);
          continue;
        }
        results.add(meter(productCode, record, now));
      }
      if (state.faults.dropCloudTrailEvent()) {
        LOG.debug("Dropping CloudTrail event of request {} (fault)", context.requestId());
      } else {
        events.recordBatchMeterUsage(
            context, now, parsed.productCode(), records, results, unprocessed);
      }
      return response(results, unprocessed);
    }
  }

  private void noteDeprecatedQuantity(List<UsageRecordInput> records, CallContext context) {
    long deprecated = records.stream().filter(UsageRecordInput::usesDeprecatedQuantity).count();
    if (deprecated == 0) {
      return;
    }
    long total = state.ledger.noteDeprecatedQuantity(deprecated);
    String message =
        "BatchMeterUsage request {}: {} of {} usage records use Quantity or AllocatedUsageQuantity,"
            + " deprecated by AWS since 2026-10-20 (use QuantityAsDecimal and"
            + " AllocatedUsageQuantityAsDecimal); {} such records so far (deprecatedQuantityRecords"
            + " in /_sim/ledger)";
    if (total == deprecated) {
      LOG.warn(
          message + "; later ones are logged at DEBUG",
          context.requestId(),
          deprecated,
          records.size(),
          total);
    } else {
      LOG.debug(message, context.requestId(), deprecated, records.size(), total);
    }
  }

  private MeteredRecord meter(String productCode, UsageRecordInput record, Instant now) {
    CustomerId customer = record.customer().orElseThrow();
    String license = record.licenseArn();
    if (license == null) {
      if (!state.catalog.isSubscribed(productCode, customer)) {
        return new MeteredRecord(record, MeteringLedger.CUSTOMER_NOT_SUBSCRIBED, null);
      }
      state.catalog.noteMeteredCustomer(productCode, customer);
    } else {
      Optional<SubscriptionSpec> granted = state.catalog.license(license);
      if (granted.isPresent() && !granted.get().subscribed()) {
        return new MeteredRecord(record, MeteringLedger.CUSTOMER_NOT_SUBSCRIBED, null);
      }
      state.catalog.noteAutoLicense(license, customer, productCode);
    }
    MeteringLedger.Outcome outcome =
        state.ledger.meter(
            new MeteringLedger.Billing(
                productCode, customer, license, record.dimension(), buyer(productCode, customer)),
            state.clock.periodStart(record.timestamp()),
            record.timestamp(),
            record.quantityValue(),
            record.allocations(),
            now);
    return new MeteredRecord(record, outcome.status(), outcome.meteringRecordId());
  }

  /**
   * Who pays, whatever the identity: the AWS account, for a CustomerIdentifier the account its
   * agreement belongs to (as ResolveCustomer answers both), else the identifier itself.
   */
  private CustomerId buyer(String productCode, CustomerId customer) {
    if (customer.type() != CustomerIdType.CUSTOMER_IDENTIFIER || productCode == null) {
      return customer;
    }
    return state
        .agreements
        .accountOf(productCode, customer.value())
        .map(CustomerId::awsAccount)
        .orElse(customer);
  }

  private void checkProduct(String productCode) {
    if (state.catalog.autoSubscribe() || state.catalog.hasProduct(productCode)) {
      return;
    }
    throw ApiException.badRequest(
        "InvalidProductCodeException", "The product code " + productCode + " is invalid.");
  }

  private static void checkCustomers(List<UsageRecordInput> records, boolean accountsOnly) {
    for (UsageRecordInput record : records) {
      if (accountsOnly && record.customerIdentifier() != null) {
        throw ApiException.badRequest(
            "InvalidCustomerIdentifierException",
            "Usage record "
                + record.position()
                + ": CustomerIdentifier is not supported with Concurrent Agreements; use"
                + " CustomerAWSAccountId with LicenseArn.");
      }
      if (record.customerIdentifier() != null && record.customerAwsAccountId() != null) {
        throw ApiException.badRequest(
            "InvalidCustomerIdentifierException",
            "Usage record "
                + record.position()
                + ": specify either CustomerIdentifier or CustomerAWSAccountId, not both.");
      }
      CustomerId customer =
          record
              .customer()
              .orElseThrow(
                  () ->
                      ApiException.badRequest(
                          "InvalidCustomerIdentifierException",
                          "Usage record "
                              + record.position()
                              + ": one of CustomerIdentifier or CustomerAWSAccountId is required."));
      if (!customer.isWellFormed()) {
        throw ApiException.badRequest(
            "InvalidCustomerIdentifierException",
            "Usage record "
                + record.position()
                + ": "
                + customer.type().wireName()
                + " '"
                + customer.value()
                + "' is invalid.");
      }
    }
  }

  private void checkDimensions(String productCode, List<UsageRecordInput> records) {
    for (UsageRecordInput record : records) {
      if (state.catalog.autoSubscribe()
          || state.catalog.hasDimension(productCode, record.dimension())) {
        continue;
      }
      throw ApiException.badRequest(
          "InvalidUsageDimensionException",
          "Usage record "
              + record.position()
              + ": the usage dimension "
              + record.dimension()
              + " is not valid for product "
              + productCode
              + ".");
    }
  }

  private void checkTimestamps(List<UsageRecordInput> records, Instant now) {
    TimestampWindow window = TimestampWindow.of(state.config);
    for (UsageRecordInput record : records) {
      window
          .refusal(record.timestamp(), now)
          .ifPresent(
              reason -> {
                throw ApiException.badRequest(
                    "TimestampOutOfBoundsException",
                    "Usage record " + record.position() + ": " + reason + ".");
              });
    }
  }

  private static ObjectNode response(
      List<MeteredRecord> results, List<UsageRecordInput> unprocessed) {
    ObjectNode body = AwsJson.object();
    ArrayNode resultArray = body.putArray("Results");
    for (MeteredRecord result : results) {
      ObjectNode item = resultArray.addObject();
      item.set("UsageRecord", usageRecord(result.record()));
      if (result.meteringRecordId() != null) {
        item.put("MeteringRecordId", result.meteringRecordId());
      }
      item.put("Status", result.status());
    }
    ArrayNode unprocessedArray = body.putArray("UnprocessedRecords");
    unprocessed.forEach(r -> unprocessedArray.add(usageRecord(r)));
    return body;
  }

  private static ObjectNode usageRecord(UsageRecordInput record) {
    ObjectNode node = AwsJson.object();
    node.set("Timestamp", AwsJson.epochSeconds(record.timestamp()));
    if (record.customerIdentifier() != null) {
      node.put("CustomerIdentifier", record.customerIdentifier());
    }
    if (record.customerAwsAccountId() != null) {
      node.put("CustomerAWSAccountId", record.customerAwsAccountId());
    }
    node.put("Dimension", record.dimension());
    if (record.quantity() != null) {
      node.put("Quantity", record.quantity());
    }
    if (record.quantityAsDecimal() != null) {
      node.put("QuantityAsDecimal", record.quantityAsDecimal());
    }
    if (record.licenseArn() != null) {
      node.put("LicenseArn", record.licenseArn());
    }
    if (record.usageAllocations() != null) {
      node.set("UsageAllocations", record.usageAllocations().deepCopy());
    }
    return node;
  }
}
