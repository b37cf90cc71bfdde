package dev.hourmeter.simulator;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Comparator;

/** Writes the control API's answers ({@code /_sim/...}) as JSON; {@link ControlCodec} parses. */
final class ControlRenderer {

  private ControlRenderer() {}

  static ObjectNode render(SubscriptionSpec spec) {
    ObjectNode node = AwsJson.object();
    node.put("productCode", spec.productCode());
    node.put(spec.customer().type().camelName(), spec.customer().value());
    ArrayNode dims = node.putArray("dimensions");
    spec.dimensions().forEach(dims::add);
    ArrayNode ents = node.putArray("entitlements");
    spec.entitlements().forEach(e -> ents.add(render(e)));
    node.put("subscribed", spec.subscribed());
    if (spec.licenseArn() != null) {
      node.put("licenseArn", spec.licenseArn());
    }
    return node;
  }

  static ObjectNode render(EntitlementSpec e) {
    ObjectNode en = AwsJson.object();
    en.put("dimension", e.dimension());
    if (e.integerValue() != null) {
      en.put("integerValue", e.integerValue());
    }
    if (e.doubleValue() != null) {
      en.put("doubleValue", e.doubleValue());
    }
    if (e.booleanValue() != null) {
      en.put("booleanValue", e.booleanValue());
    }
    if (e.stringValue() != null) {
      en.put("stringValue", e.stringValue());
    }
    if (e.expirationDate() != null) {
      en.put("expirationDate", e.expirationDate().toString());
    }
    return en;
  }

  static ObjectNode render(ProductSpec spec) {
    ObjectNode node = AwsJson.object();
    node.put("productCode", spec.productCode());
    ArrayNode dims = node.putArray("dimensions");
    spec.dimensions().forEach(dims::add);
    node.put("concurrentAgreements", spec.concurrentAgreements());
    node.put("migrating", spec.migrating());
    return node;
  }

  static ObjectNode render(FaultSpec spec) {
    ObjectNode node = AwsJson.object();
    node.put("throttleRate", spec.throttleRate());
    node.put("serverErrorRate", spec.serverErrorRate());
    node.put("unprocessedRate", spec.unprocessedRate());
    node.put("latencyMillis", spec.latencyMillis());
    node.put("throttleNext", spec.throttleNext());
    node.put("serverErrorNext", spec.serverErrorNext());
    node.put("unprocessedNext", spec.unprocessedNext());
    if (spec.seed() == null) {
      node.putNull("seed");
    } else {
      node.put("seed", spec.seed());
    }
    node.put("dropCloudTrailEvents", spec.dropCloudTrailEvents());
    node.put("dropCloudTrailEventsNext", spec.dropCloudTrailEventsNext());
    node.put("emptyEntitlementPagesNext", spec.emptyEntitlementPagesNext());
    node.put("duplicateEventsNext", spec.duplicateEventsNext());
    node.put("reorderEventsNext", spec.reorderEventsNext());
    node.put("malformedEventsNext", spec.malformedEventsNext());
    ArrayNode ops = node.putArray("operations");
    spec.operations().stream()
        .sorted(Comparator.naturalOrder())
        .forEach(op -> ops.add(op.operationName()));
    return node;
  }

  static ObjectNode render(LedgerEntry entry) {
    ObjectNode node = AwsJson.object();
    if (entry.productCode() == null) {
      node.putNull("productCode");
    } else {
      node.put("productCode", entry.productCode());
    }
    node.put("customer", entry.customer().value());
    node.put("customerIdType", entry.customer().type().wireName());
    node.put("dimension", entry.dimension());
    node.put("timestamp", entry.timestamp().toString());
    node.put("quantity", entry.quantity());
    node.put("quantityAsDecimal", entry.quantityAsDecimal().toPlainString());
    if (entry.licenseArn() == null) {
      node.putNull("licenseArn");
    } else {
      node.put("licenseArn", entry.licenseArn());
    }
    node.put("meteringRecordId", entry.meteringRecordId());
    node.put("acceptedAt", entry.acceptedAt().toString());
    node.put("identityOverlap", entry.identityOverlap());
    if (!entry.allocations().isEmpty()) {
      ArrayNode allocations = node.putArray("allocations");
      for (LedgerEntry.Allocation allocation : entry.allocations()) {
        ObjectNode item = allocations.addObject();
        item.put("quantity", allocation.quantity().toPlainString());
        ObjectNode tags = item.putObject("tags");
        allocation.tags().forEach(tags::put);
      }
    }
    return node;
  }

  static ObjectNode render(RequestLogEntry entry) {
    ObjectNode node = AwsJson.object();
    node.put("operation", entry.operation());
    node.put("receivedAt", AwsJson.ISO_MILLIS.format(entry.receivedAt()));
    node.put("status", entry.status());
    if (entry.errorType() == null) {
      node.putNull("errorType");
    } else {
      node.put("errorType", entry.errorType());
    }
    if (entry.records() == null) {
      node.putNull("records");
    } else {
      node.put("records", entry.records());
    }
    return node;
  }
}
