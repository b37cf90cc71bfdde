package dev.hourmeter.simulator;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Instant;
import java.util.List;
import java.util.UUID;

/**
 * Builds the CloudTrail record of an accepted BatchMeterUsage call in the documented shape (lower
 * camel case, usage timestamps printed like {@code "Apr 19, 2018 4:32:50 PM"}) and stores it.
 * {@code requestParameters.productCode} is absent when the request had none (LicenseArn records);
 * usage records carry {@code licenseArn} when sent, and {@code quantity} or {@code
 * quantityAsDecimal} exactly as the request carried them (neither when it had neither), as do their
 * allocations.
 */
final class CloudTrailEventFactory {

  static final String EVENT_SOURCE = "metering-marketplace.amazonaws.com";
  static final String EVENT_NAME = "BatchMeterUsage";
  static final String USERNAME = "hourmeter-simulator";

  private final SimulatorConfig config;
  private final CloudTrailStore store;

  CloudTrailEventFactory(SimulatorConfig config, CloudTrailStore store) {
    this.config = config;
    this.store = store;
  }

  void recordBatchMeterUsage(
      CallContext context,
      Instant eventTime,
      String productCode,
      List<UsageRecordInput> records,
      List<MeteredRecord> results,
      List<UsageRecordInput> unprocessed) {
    String eventId = UUID.randomUUID().toString();
    ObjectNode event = AwsJson.object();
    event.put("eventVersion", "1.08");
    event.set("userIdentity", userIdentity(context));
    event.put("eventTime", AwsJson.CLOUDTRAIL_EVENT_TIME.format(eventTime));
    event.put("eventSource", EVENT_SOURCE);
    event.put("eventName", EVENT_NAME);
    event.put("awsRegion", context.region());
    event.put("sourceIPAddress", context.sourceIp());
    event.put("userAgent", context.userAgent());

    ObjectNode requestParameters = event.putObject("requestParameters");
    if (productCode != null) {
      requestParameters.put("productCode", productCode);
    }
    ArrayNode usageRecords = requestParameters.putArray("usageRecords");
    records.forEach(r -> usageRecords.add(usageRecord(r)));

    ObjectNode responseElements = event.putObject("responseElements");
    ArrayNode resultArray = responseElements.putArray("results");
    for (MeteredRecord result : results) {
      ObjectNode item = resultArray.addObject();
      item.set("usageRecord", usageRecord(result.record()));
      if (result.meteringRecordId() != null) {
        item.put("meteringRecordId", result.meteringRecordId());
      }
      item.put("status", result.status());
    }
    ArrayNode unprocessedArray = responseElements.putArray("unprocessedRecords");
    unprocessed.forEach(r -> unprocessedArray.add(usageRecord(r)));

    event.put("requestID", context.requestId());
    event.put("eventID", eventId);
    event.put("readOnly", false);
    event.put("eventType", "AwsApiCall");
    event.put("managementEvent", true);
    event.put("recipientAccountId", config.accountId());
    event.put("eventCategory", "Management");

    store.add(
        eventId,
        EVENT_NAME,
        EVENT_SOURCE,
        eventTime,
        context.accessKeyId(),
        USERNAME,
        AwsJson.string(event));
  }

  private ObjectNode userIdentity(CallContext context) {
    ObjectNode identity = AwsJson.object();
    identity.put("type", "IAMUser");
    identity.put("principalId", "AIDAEXAMPLESIMULATOR");
    identity.put("arn", "arn:aws:iam::" + config.accountId() + ":user/" + USERNAME);
    identity.put("accountId", config.accountId());
    identity.put("accessKeyId", context.accessKeyId());
    identity.put("userName", USERNAME);
    return identity;
  }

  private static ObjectNode usageRecord(UsageRecordInput record) {
    ObjectNode node = AwsJson.object();
    node.put("dimension", record.dimension());
    node.put("timestamp", AwsJson.CLOUDTRAIL_PARAMETER_TIME.format(record.timestamp()));
    if (record.customerIdentifier() != null) {
      node.put("customerIdentifier", record.customerIdentifier());
    }
    if (record.customerAwsAccountId() != null) {
      node.put("customerAWSAccountId", record.customerAwsAccountId());
    }
    if (record.licenseArn() != null) {
      node.put("licenseArn", record.licenseArn());
    }
    if (record.quantity() != null) {
      node.put("quantity", record.quantity());
    }
    if (record.quantityAsDecimal() != null) {
      node.put("quantityAsDecimal", record.quantityAsDecimal());
    }
    if (record.usageAllocations() != null) {
      node.set("usageAllocations", lowerCamel(record.usageAllocations()));
    }
    return node;
  }

  /** UsageAllocations as CloudTrail prints them: allocatedUsageQuantity, tags[{key, value}]. */
  private static JsonNode lowerCamel(JsonNode node) {
    if (node.isArray()) {
      ArrayNode out = AwsJson.MAPPER.createArrayNode();
      node.forEach(child -> out.add(lowerCamel(child)));
      return out;
    }
    if (node.isObject()) {
      ObjectNode out = AwsJson.object();
      node.properties().forEach(e -> out.set(decapitalize(e.getKey()), lowerCamel(e.getValue())));
      return out;
    }
    return node.deepCopy();
  }

  private static String decapitalize(String name) {
    return name.isEmpty() ? name : Character.toLowerCase(name.charAt(0)) + name.substring(1);
  }
}
