package dev.hourmeter.activities.aws;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.cfg.JsonNodeFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.hourmeter.activities.aws.WireExtras.RecordExtras;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttribute;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.core.interceptor.SdkExecutionAttribute;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.http.SdkHttpRequest;

/**
 * WORKAROUND for the served SDK model (marketplacemetering / marketplaceentitlement 2.40.2; 2.41.4
 * at most), which lacks {@code UsageRecord.LicenseArn}, {@code UsageRecord.QuantityAsDecimal},
 * {@code UsageAllocation.AllocatedUsageQuantityAsDecimal}, {@code Entitlement.LicenseArn} and
 * ResolveCustomer's {@code LicenseArn} and {@code Metadata.AgreementId}. Delete it (and {@link
 * WireExtras}) once the SDK is upgraded to a model that has them: {@code
 * ConcurrentAgreementsInterceptorTest} fails on that day to say so.
 *
 * <p>For BatchMeterUsage it rewrites the JSON body the SDK serialized: replaces each record's
 * {@code Quantity} by {@code QuantityAsDecimal} and each allocation's {@code
 * AllocatedUsageQuantity} by {@code AllocatedUsageQuantityAsDecimal}, whole numbers included (AWS
 * deprecated the integer fields on 2026-10-20), adds {@code LicenseArn} to each licensed record and
 * drops the top-level {@code ProductCode} when the records are licensed; and it reads those fields
 * back from the response's {@code Results[].UsageRecord} and {@code UnprocessedRecords[]}. A
 * BatchMeterUsage call without {@link WireExtras#ATTRIBUTE}, or whose extras lack a record's or an
 * allocation's decimal, fails before anything is sent: no deprecated field ever leaves. For
 * GetEntitlements it reads {@code Entitlements[].LicenseArn}; for ResolveCustomer, {@code
 * LicenseArn} and {@code Metadata.AgreementId}. Other calls, and GetEntitlements and
 * ResolveCustomer without the attribute, go through untouched.
 *
 * <p>The body is rewritten in {@code modifyHttpContent} / {@code modifyHttpRequest}, which the SDK
 * runs while finalizing the HTTP request, before its pipeline signs it (SigV4 covers the rewritten
 * bytes); {@code Content-Length} is set to the new length.
 */
final class ConcurrentAgreementsInterceptor implements ExecutionInterceptor {

  static final String BATCH_METER_USAGE = "BatchMeterUsage";
  static final String GET_ENTITLEMENTS = "GetEntitlements";
  static final String RESOLVE_CUSTOMER = "ResolveCustomer";

  private static final ExecutionAttribute<byte[]> REWRITTEN_BODY =
      new ExecutionAttribute<>("hourmeter.RewrittenBody");

  /** Keeps numbers as written: {@code 1795669200.000} must stay exactly that. */
  private static final ObjectMapper JSON =
      JsonMapper.builder()
          .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
          .disable(JsonNodeFeature.STRIP_TRAILING_BIGDECIMAL_ZEROES)
          .enable(JsonGenerator.Feature.WRITE_BIGDECIMAL_AS_PLAIN)
          .build();

  @Override
  public Optional<RequestBody> modifyHttpContent(
      Context.ModifyHttpRequest context, ExecutionAttributes attributes) {
    byte[] body = rewrittenBody(context, attributes);
    return body == null ? context.requestBody() : Optional.of(RequestBody.fromBytes(body));
  }

  @Override
  public SdkHttpRequest modifyHttpRequest(
      Context.ModifyHttpRequest context, ExecutionAttributes attributes) {
    byte[] body = rewrittenBody(context, attributes);
    if (body == null) {
      return context.httpRequest();
    }
    return context.httpRequest().toBuilder()
        .putHeader("Content-Length", Integer.toString(body.length))
        .build();
  }

  @Override
  public Optional<InputStream> modifyHttpResponseContent(
      Context.ModifyHttpResponse context, ExecutionAttributes attributes) {
    WireExtras extras = attributes.getAttribute(WireExtras.ATTRIBUTE);
    Optional<InputStream> content = context.responseBody();
    if (extras == null || content.isEmpty() || !context.httpResponse().isSuccessful()) {
      return content;
    }
    byte[] bytes;
    try (InputStream in = content.get()) {
      bytes = in.readAllBytes();
    } catch (IOException e) {
      throw new UncheckedIOException("reading the " + operation(attributes) + " response", e);
    }
    readResponse(operation(attributes), bytes, extras);
    return Optional.of(new ByteArrayInputStream(bytes));
  }

  /** The rewritten BatchMeterUsage body (computed once per call), or null to leave it alone. */
  private static byte[] rewrittenBody(
      Context.ModifyHttpRequest context, ExecutionAttributes attributes) {
    if (!BATCH_METER_USAGE.equals(operation(attributes))) {
      return null;
    }
    WireExtras extras = attributes.getAttribute(WireExtras.ATTRIBUTE);
    if (extras == null) {
      throw new IllegalStateException(
          "BatchMeterUsage without WireExtras would send the deprecated Quantity: call it through"
              + " MeteringService");
    }
    byte[] done = attributes.getAttribute(REWRITTEN_BODY);
    if (done != null) {
      return done;
    }
    RequestBody original =
        context
            .requestBody()
            .orElseThrow(() -> new IllegalStateException("BatchMeterUsage without a body"));
    byte[] bytes;
    try (InputStream in = original.contentStreamProvider().newStream()) {
      bytes = in.readAllBytes();
    } catch (IOException e) {
      throw new UncheckedIOException("reading the serialized BatchMeterUsage body", e);
    }
    byte[] rewritten = rewriteBatchMeterUsage(bytes, extras);
    attributes.putAttribute(REWRITTEN_BODY, rewritten);
    return rewritten;
  }

  /** The BatchMeterUsage JSON {@code body} with {@code extras} applied. */
  static byte[] rewriteBatchMeterUsage(byte[] body, WireExtras extras) {
    try {
      ObjectNode root = (ObjectNode) JSON.readTree(body);
      JsonNode records = root.get("UsageRecords");
      if (!(records instanceof ArrayNode array) || array.size() != extras.sent().size()) {
        throw new IllegalStateException(
            "BatchMeterUsage body has "
                + (records == null ? 0 : records.size())
                + " UsageRecords, "
                + extras.sent().size()
                + " expected");
      }
      for (int i = 0; i < array.size(); i++) {
        array.set(i, rewriteRecord((ObjectNode) array.get(i), extras.sent().get(i), i + 1));
      }
      if (extras.licensed()) {
        // Concurrent Agreements: the LicenseArn names product and agreement; AWS refuses both.
        root.remove("ProductCode");
      }
      return JSON.writeValueAsBytes(root);
    } catch (IOException e) {
      throw new UncheckedIOException("rewriting the BatchMeterUsage body", e);
    }
  }

  private static ObjectNode rewriteRecord(ObjectNode record, RecordExtras extra, int position) {
    if (extra.quantityAsDecimal() == null) {
      throw new IllegalStateException(
          "UsageRecord " + position + " has no QuantityAsDecimal: Quantity is deprecated");
    }
    ObjectNode out = JSON.createObjectNode();
    for (Map.Entry<String, JsonNode> field : record.properties()) {
      if ("Quantity".equals(field.getKey())) {
        // In its place, so the record keeps the SDK's field order; never both.
        out.put("QuantityAsDecimal", extra.quantityAsDecimal());
      } else {
        out.set(field.getKey(), field.getValue());
      }
    }
    if (!out.has("QuantityAsDecimal")) {
      out.put("QuantityAsDecimal", extra.quantityAsDecimal());
    }
    if (extra.licenseArn() != null) {
      out.put("LicenseArn", extra.licenseArn());
    }
    if (out.has("UsageAllocations") || extra.allocationDecimals() != null) {
      out.set("UsageAllocations", decimalAllocations(out.get("UsageAllocations"), extra, position));
    }
    return out;
  }

  /** Each allocation with its decimal quantity in place of the whole one the SDK wrote. */
  private static ArrayNode decimalAllocations(
      JsonNode allocations, RecordExtras extra, int position) {
    List<String> decimals = extra.allocationDecimals();
    int expected = decimals == null ? 0 : decimals.size();
    if (!(allocations instanceof ArrayNode array) || array.size() != expected) {
      throw new IllegalStateException(
          "UsageRecord "
              + position
              + " has "
              + (allocations == null ? 0 : allocations.size())
              + " UsageAllocations, "
              + expected
              + " AllocatedUsageQuantityAsDecimal given");
    }
    ArrayNode out = JSON.createArrayNode();
    for (int i = 0; i < array.size(); i++) {
      ObjectNode allocation = JSON.createObjectNode();
      for (Map.Entry<String, JsonNode> field : array.get(i).properties()) {
        if ("AllocatedUsageQuantity".equals(field.getKey())) {
          allocation.put("AllocatedUsageQuantityAsDecimal", decimals.get(i));
        } else {
          allocation.set(field.getKey(), field.getValue());
        }
      }
      if (!allocation.has("AllocatedUsageQuantityAsDecimal")) {
        allocation.put("AllocatedUsageQuantityAsDecimal", decimals.get(i));
      }
      out.add(allocation);
    }
    return out;
  }

  private static void readResponse(String operation, byte[] body, WireExtras extras) {
    JsonNode root;
    try {
      root = JSON.readTree(body);
    } catch (IOException e) {
      return; // the SDK's own unmarshaller reports a malformed body
    }
    if (root == null || !root.isObject()) {
      return;
    }
    if (BATCH_METER_USAGE.equals(operation)) {
      List<RecordExtras> results = new ArrayList<>();
      root.path("Results").forEach(r -> results.add(recordExtras(r.path("UsageRecord"))));
      List<RecordExtras> unprocessed = new ArrayList<>();
      root.path("UnprocessedRecords").forEach(r -> unprocessed.add(recordExtras(r)));
      extras.answered(results, unprocessed);
    } else if (GET_ENTITLEMENTS.equals(operation)) {
      List<String> licenses = new ArrayList<>();
      root.path("Entitlements").forEach(e -> licenses.add(text(e, "LicenseArn")));
      extras.entitlementLicenses(licenses);
    } else if (RESOLVE_CUSTOMER.equals(operation)) {
      extras.resolved(text(root, "LicenseArn"), text(root.path("Metadata"), "AgreementId"));
    }
  }

  private static RecordExtras recordExtras(JsonNode record) {
    return new RecordExtras(text(record, "LicenseArn"), text(record, "QuantityAsDecimal"));
  }

  private static String text(JsonNode node, String field) {
    JsonNode value = node.get(field);
    return value == null || !value.isValueNode() || value.isNull() ? null : value.asText();
  }

  private static String operation(ExecutionAttributes attributes) {
    return attributes.getAttribute(SdkExecutionAttribute.OPERATION_NAME);
  }
}
