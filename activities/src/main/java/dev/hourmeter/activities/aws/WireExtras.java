package dev.hourmeter.activities.aws;

import java.util.List;
import software.amazon.awssdk.core.interceptor.ExecutionAttribute;

/**
 * What one call carries beside the served SDK model (2.40.2), which lacks {@code LicenseArn},
 * {@code QuantityAsDecimal} and ResolveCustomer's {@code Metadata.AgreementId}: the per-record
 * fields a service class wants on the wire, and the ones the {@link
 * ConcurrentAgreementsInterceptor} read back from the response. Travels with one request as the
 * execution attribute {@link #ATTRIBUTE} (no global state). One call, one thread: SDK retries are
 * off, so the response lists are written once, before the SDK call returns.
 */
final class WireExtras {

  static final ExecutionAttribute<WireExtras> ATTRIBUTE =
      new ExecutionAttribute<>("hourmeter.WireExtras");

  /**
   * The fields of one UsageRecord that the model lacks; null when absent. In a request, {@code
   * quantityAsDecimal} is always given; {@code allocationDecimals}, for a record with usage
   * allocations, is each allocation's {@code AllocatedUsageQuantityAsDecimal} in order (null
   * otherwise; never read from responses).
   */
  record RecordExtras(
      String licenseArn, String quantityAsDecimal, List<String> allocationDecimals) {
    static final RecordExtras NONE = new RecordExtras(null, null);

    RecordExtras(String licenseArn, String quantityAsDecimal) {
      this(licenseArn, quantityAsDecimal, null);
    }
  }

  private final List<RecordExtras> sent;
  private List<RecordExtras> results = List.of();
  private List<RecordExtras> unprocessed = List.of();
  private List<String> entitlementLicenses = List.of();
  private String resolvedLicenseArn;
  private String resolvedAgreementId;

  private WireExtras(List<RecordExtras> sent) {
    this.sent = List.copyOf(sent);
  }

  /** For BatchMeterUsage: one entry per UsageRecord, in request order. */
  static WireExtras forUsageRecords(List<RecordExtras> sent) {
    return new WireExtras(sent);
  }

  /** For GetEntitlements: nothing to add to the request, the licenses to read back. */
  static WireExtras forEntitlements() {
    return new WireExtras(List.of());
  }

  /** For ResolveCustomer: nothing to add to the request, LicenseArn and AgreementId to read. */
  static WireExtras forResolveCustomer() {
    return new WireExtras(List.of());
  }

  List<RecordExtras> sent() {
    return sent;
  }

  /** Whether the records are licensed (then the request carries no ProductCode). */
  boolean licensed() {
    return sent.stream().anyMatch(e -> e.licenseArn() != null);
  }

  /** Per {@code Results[]} entry of the response, in order (empty before the response). */
  List<RecordExtras> results() {
    return results;
  }

  /** Per {@code UnprocessedRecords[]} entry of the response, in order. */
  List<RecordExtras> unprocessed() {
    return unprocessed;
  }

  /** Per {@code Entitlements[]} entry of a GetEntitlements page, its LicenseArn or null. */
  List<String> entitlementLicenses() {
    return entitlementLicenses;
  }

  void answered(List<RecordExtras> results, List<RecordExtras> unprocessed) {
    this.results = List.copyOf(results);
    this.unprocessed = List.copyOf(unprocessed);
  }

  void entitlementLicenses(List<String> licenses) {
    this.entitlementLicenses = java.util.Collections.unmodifiableList(licenses);
  }

  /** ResolveCustomer's {@code LicenseArn}, or null when the response had none. */
  String resolvedLicenseArn() {
    return resolvedLicenseArn;
  }

  /** ResolveCustomer's {@code Metadata.AgreementId}, or null when the response had none. */
  String resolvedAgreementId() {
    return resolvedAgreementId;
  }

  void resolved(String licenseArn, String agreementId) {
    this.resolvedLicenseArn = licenseArn;
    this.resolvedAgreementId = agreementId;
  }
}
