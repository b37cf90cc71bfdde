package dev.hourmeter.activities.aws;

import dev.hourmeter.workflows.model.api.CustomerId;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.services.marketplaceentitlement.MarketplaceEntitlementClient;
import software.amazon.awssdk.services.marketplaceentitlement.model.Entitlement;
import software.amazon.awssdk.services.marketplaceentitlement.model.EntitlementValue;
import software.amazon.awssdk.services.marketplaceentitlement.model.GetEntitlementFilterName;
import software.amazon.awssdk.services.marketplaceentitlement.model.GetEntitlementsRequest;
import software.amazon.awssdk.services.marketplaceentitlement.model.GetEntitlementsResponse;

/** AWS Marketplace Entitlement Service: GetEntitlements, through the shared {@link AwsCall}. */
public final class EntitlementService {

  public static final String GET_ENTITLEMENTS = "GetEntitlements";

  /** GetEntitlements MaxResults upper bound. */
  public static final int MAX_PAGE_SIZE = 25;

  private static final Logger log = LoggerFactory.getLogger(EntitlementService.class);

  private final MarketplaceEntitlementClient client;
  private final AwsCall aws;
  private volatile int pageSize = MAX_PAGE_SIZE;
  private volatile int maxPages = 1_000;

  EntitlementService(MarketplaceEntitlementClient client, AwsCall aws) {
    this.client = Objects.requireNonNull(client, "client");
    this.aws = Objects.requireNonNull(aws, "aws");
  }

  /**
   * Every entitlement of {@code customer} for {@code productCode}, following all pages (an empty
   * page may still carry a NextToken). Filters by {@code CUSTOMER_AWS_ACCOUNT_ID} or {@code
   * CUSTOMER_IDENTIFIER}; each item carries the {@code LicenseArn} AWS named for it (read at the
   * HTTP layer by the {@link ConcurrentAgreementsInterceptor}), for the caller to keep only the
   * customer's license.
   *
   * @throws MarketplaceCallException when a call fails, or ({@code PagingLimitExceeded}) when
   *     paging does not end within the page cap or AWS repeats a token
   */
  public List<EntitlementItem> getEntitlements(String productCode, CustomerId customer) {
    Objects.requireNonNull(customer, "customer");
    return getEntitlements(productCode, List.of(customer));
  }

  /**
   * Every entitlement of any of {@code customers} for {@code productCode}, in one paged
   * GetEntitlements: the customers' ids are the values of one filter, which AWS unions ("Filtered
   * requests are unioned for each value in the value list"). The customers must all be named the
   * same way (all by AWS account id, or all by CustomerIdentifier: AWS refuses both filters in one
   * request); a value named twice (two licenses of one account) is sent once. Each item names its
   * customer ({@code CustomerAWSAccountId} or {@code CustomerIdentifier}), by which the caller
   * tells whose it is.
   *
   * @throws IllegalArgumentException when {@code customers} is empty or mixes the two kinds of id
   * @throws MarketplaceCallException as {@link #getEntitlements(String, CustomerId)}
   */
  public List<EntitlementItem> getEntitlements(String productCode, List<CustomerId> customers) {
    Objects.requireNonNull(productCode, "productCode");
    Objects.requireNonNull(customers, "customers");
    if (customers.isEmpty()) {
      throw new IllegalArgumentException("no customer to look up");
    }
    boolean byAccount = customers.get(0).hasAwsAccountId();
    Set<String> values = new LinkedHashSet<>();
    for (CustomerId customer : customers) {
      if (customer.hasAwsAccountId() != byAccount) {
        throw new IllegalArgumentException(
            "customers named by AWS account id and by CustomerIdentifier cannot share a request");
      }
      values.add(customer.value());
    }
    GetEntitlementFilterName filterName =
        byAccount
            ? GetEntitlementFilterName.CUSTOMER_AWS_ACCOUNT_ID
            : GetEntitlementFilterName.CUSTOMER_IDENTIFIER;
    Map<GetEntitlementFilterName, List<String>> filter = Map.of(filterName, List.copyOf(values));
    int size = pageSize;
    int cap = maxPages;
    List<EntitlementItem> items = new ArrayList<>();
    String token = null;
    int pages = 0;
    do {
      if (pages >= cap) {
        throw AwsErrorClassifier.pagingLimitExceeded(
            GET_ENTITLEMENTS,
            cap,
            "GetEntitlements for product "
                + productCode
                + " still returned a NextToken after "
                + pages
                + " pages");
      }
      // The served model lacks Entitlement.LicenseArn: the interceptor reads it off the wire.
      WireExtras extras = WireExtras.forEntitlements();
      GetEntitlementsRequest request =
          GetEntitlementsRequest.builder()
              .productCode(productCode)
              .filter(filter)
              .maxResults(size)
              .nextToken(token)
              .overrideConfiguration(o -> o.putExecutionAttribute(WireExtras.ATTRIBUTE, extras))
              .build();
      GetEntitlementsResponse response =
          aws.call(GET_ENTITLEMENTS, () -> client.getEntitlements(request));
      pages++;
      if (response.hasEntitlements()) {
        List<Entitlement> page = response.entitlements();
        List<String> licenses = extras.entitlementLicenses();
        for (int i = 0; i < page.size(); i++) {
          items.add(toItem(page.get(i), i < licenses.size() ? licenses.get(i) : null));
        }
      }
      String next = response.nextToken();
      if (next != null && next.equals(token)) {
        throw AwsErrorClassifier.pagingLimitExceeded(
            GET_ENTITLEMENTS,
            cap,
            "GetEntitlements for product " + productCode + " returned the NextToken it was given");
      }
      token = next == null || next.isEmpty() ? null : next;
    } while (token != null);
    log.debug(
        "GetEntitlements {} {}: {} entitlements in {} pages",
        productCode,
        values,
        items.size(),
        pages);
    return List.copyOf(items);
  }

  private static EntitlementItem toItem(Entitlement e, String licenseArn) {
    EntitlementValue v = e.value();
    return new EntitlementItem(
        e.productCode(),
        e.dimension(),
        e.customerIdentifier(),
        e.customerAWSAccountId(),
        v == null ? null : v.integerValue(),
        v == null ? null : v.doubleValue(),
        v == null ? null : v.booleanValue(),
        v == null ? null : v.stringValue(),
        e.expirationDate(),
        licenseArn);
  }

  // Package-private knobs for tests.

  EntitlementService pageSize(int size) {
    if (size < 1 || size > MAX_PAGE_SIZE) {
      throw new IllegalArgumentException("entitlement page size must be 1.." + MAX_PAGE_SIZE);
    }
    this.pageSize = size;
    return this;
  }

  EntitlementService maxPages(int pages) {
    if (pages < 1) {
      throw new IllegalArgumentException("max pages must be positive");
    }
    this.maxPages = pages;
    return this;
  }
}
