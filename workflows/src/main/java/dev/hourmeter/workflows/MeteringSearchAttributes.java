package dev.hourmeter.workflows;

import io.temporal.api.enums.v1.IndexedValueType;
import io.temporal.common.SearchAttributeKey;
import java.util.Map;

/**
 * Keyword search attributes that make customers findable in the Temporal Web UI and with {@code
 * list}. They must be registered on the server before workflows use them ({@link #ALL}).
 */
public final class MeteringSearchAttributes {

  public static final SearchAttributeKey<String> PRODUCT =
      SearchAttributeKey.forKeyword("MeteringProduct");
  public static final SearchAttributeKey<String> CUSTOMER =
      SearchAttributeKey.forKeyword("MeteringCustomer");

  /**
   * The LicenseArn of a licensed customer (Concurrent Agreements), set when the workflow starts;
   * absent for unlicensed customers.
   */
  public static final SearchAttributeKey<String> LICENSE =
      SearchAttributeKey.forKeyword("MeteringLicense");

  /**
   * The AWS Marketplace agreement ({@code agmt-...}, ResolveCustomer's {@code
   * Metadata.AgreementId}) of a customer onboarded through registration or agreement events, set
   * when the workflow starts, so that agreement events that carry only the agreement id find it;
   * absent otherwise.
   */
  public static final SearchAttributeKey<String> AGREEMENT =
      SearchAttributeKey.forKeyword("MeteringAgreement");

  public static final SearchAttributeKey<String> STATE =
      SearchAttributeKey.forKeyword("MeteringState");

  /**
   * {@code UNVERIFIED} once any record was never seen in CloudTrail and can no longer be re-sent.
   */
  public static final SearchAttributeKey<String> VERIFICATION =
      SearchAttributeKey.forKeyword("MeteringVerification");

  /**
   * {@code WAITING} while usage an AWS outage kept from being billed in its window waits: for a
   * CloudTrail check (fate unknown) or, carried, for a later period to be accepted. Unset (empty)
   * once resolved.
   */
  public static final SearchAttributeKey<String> OUTAGE =
      SearchAttributeKey.forKeyword("MeteringOutage");

  /** Name and type of every attribute hourmeter uses, for registration. */
  public static final Map<String, IndexedValueType> ALL =
      Map.of(
          PRODUCT.getName(), IndexedValueType.INDEXED_VALUE_TYPE_KEYWORD,
          CUSTOMER.getName(), IndexedValueType.INDEXED_VALUE_TYPE_KEYWORD,
          LICENSE.getName(), IndexedValueType.INDEXED_VALUE_TYPE_KEYWORD,
          AGREEMENT.getName(), IndexedValueType.INDEXED_VALUE_TYPE_KEYWORD,
          STATE.getName(), IndexedValueType.INDEXED_VALUE_TYPE_KEYWORD,
          VERIFICATION.getName(), IndexedValueType.INDEXED_VALUE_TYPE_KEYWORD,
          OUTAGE.getName(), IndexedValueType.INDEXED_VALUE_TYPE_KEYWORD);

  private MeteringSearchAttributes() {}
}
