package dev.hourmeter.simulator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.marketplaceentitlement.model.Entitlement;
import software.amazon.awssdk.services.marketplaceentitlement.model.GetEntitlementFilterName;
import software.amazon.awssdk.services.marketplaceentitlement.model.GetEntitlementsRequest;
import software.amazon.awssdk.services.marketplaceentitlement.model.GetEntitlementsResponse;
import software.amazon.awssdk.services.marketplaceentitlement.model.InvalidParameterException;

class GetEntitlementsTest extends SimulatorTestBase {

  private static final Instant EXPIRES = Instant.parse("2026-12-01T00:00:00Z");

  /** Five customers with one entitlement each, in subscription order a0..a4. */
  private void fiveCustomers() {
    for (int i = 0; i < 5; i++) {
      sim.subscribe(
          SubscriptionSpec.of(PRODUCT, CustomerId.awsAccount(account(i)))
              .withEntitlements(
                  List.of(
                      EntitlementSpec.ofInteger(
                          i % 2 == 0 ? "seats" : "admins", 10 + i, EXPIRES))));
    }
  }

  private record Paged(List<Entitlement> items, List<Integer> pageSizes) {}

  private Paged pageThrough(GetEntitlementsRequest first) {
    List<Entitlement> items = new ArrayList<>();
    List<Integer> sizes = new ArrayList<>();
    GetEntitlementsRequest request = first;
    for (int guard = 0; guard < 100; guard++) {
      GetEntitlementsResponse page = entitlement.getEntitlements(request);
      items.addAll(page.entitlements());
      sizes.add(page.entitlements().size());
      if (page.nextToken() == null) {
        return new Paged(items, sizes);
      }
      request = first.toBuilder().nextToken(page.nextToken()).build();
    }
    throw new AssertionError("paging did not terminate");
  }

  @Test
  void pagesWithMaxResultsTwo() {
    fiveCustomers();
    Paged paged =
        pageThrough(GetEntitlementsRequest.builder().productCode(PRODUCT).maxResults(2).build());

    assertThat(paged.pageSizes()).containsExactly(2, 2, 1);
    assertThat(paged.items())
        .extracting(Entitlement::customerAWSAccountId)
        .containsExactly(account(0), account(1), account(2), account(3), account(4));
    Entitlement first = paged.items().get(0);
    assertThat(first.productCode()).isEqualTo(PRODUCT);
    assertThat(first.dimension()).isEqualTo("seats");
    assertThat(first.value().integerValue()).isEqualTo(10);
    assertThat(first.expirationDate()).isEqualTo(EXPIRES);
    assertThat(first.customerIdentifier()).isNull();
  }

  @Test
  void filtersOrValuesAndAndKeysAcrossPages() {
    fiveCustomers();
    Paged byCustomers =
        pageThrough(
            GetEntitlementsRequest.builder()
                .productCode(PRODUCT)
                .maxResults(2)
                .filter(
                    Map.of(
                        GetEntitlementFilterName.CUSTOMER_AWS_ACCOUNT_ID,
                        List.of(account(1), account(4))))
                .build());
    assertThat(byCustomers.items())
        .extracting(Entitlement::customerAWSAccountId)
        .containsExactly(account(1), account(4));

    Paged anded =
        pageThrough(
            GetEntitlementsRequest.builder()
                .productCode(PRODUCT)
                .maxResults(2)
                .filter(
                    Map.of(
                        GetEntitlementFilterName.CUSTOMER_AWS_ACCOUNT_ID,
                            List.of(account(1), account(2), account(3)),
                        GetEntitlementFilterName.DIMENSION, List.of("seats")))
                .build());
    assertThat(anded.items())
        .extracting(Entitlement::customerAWSAccountId)
        .containsExactly(account(2));
  }

  @Test
  void anEmptyPageCanStillCarryANextToken() {
    sim.subscribe(
        SubscriptionSpec.of(PRODUCT, CustomerId.awsAccount(account(9)))
            .withEntitlements(
                List.of("a", "b", "c", "d", "e").stream()
                    .map(d -> EntitlementSpec.ofInteger(d, 1, EXPIRES))
                    .toList()));
    GetEntitlementsRequest request =
        GetEntitlementsRequest.builder()
            .productCode(PRODUCT)
            .maxResults(2)
            .filter(
                Map.of(
                    GetEntitlementFilterName.CUSTOMER_AWS_ACCOUNT_ID,
                    List.of(account(9)),
                    GetEntitlementFilterName.DIMENSION,
                    List.of("e")))
            .build();

    GetEntitlementsResponse first = entitlement.getEntitlements(request);
    assertThat(first.entitlements()).isEmpty();
    assertThat(first.nextToken()).isNotNull();

    Paged paged = pageThrough(request);
    assertThat(paged.items()).extracting(Entitlement::dimension).containsExactly("e");
    assertThat(paged.pageSizes()).containsExactly(0, 0, 1);
  }

  @Test
  void aCustomersOwnCheckPagesThroughItsEntitlementsOnlyNotTheProducts() {
    fiveCustomers();
    Paged paged =
        pageThrough(
            GetEntitlementsRequest.builder()
                .productCode(PRODUCT)
                .maxResults(2)
                .filter(
                    Map.of(GetEntitlementFilterName.CUSTOMER_AWS_ACCOUNT_ID, List.of(account(4))))
                .build());
    assertThat(paged.items())
        .extracting(Entitlement::customerAWSAccountId)
        .containsExactly(account(4));
    assertThat(paged.pageSizes()).containsExactly(1);
  }

  @Test
  void allValueKindsAndExpiredEntitlementsAreReturned() {
    Instant expired = T0.minusSeconds(86400);
    sim.subscribe(
        SubscriptionSpec.of(PRODUCT, CustomerId.identifier("cust-1"))
            .withEntitlements(
                List.of(
                    EntitlementSpec.ofInteger("seats", 5, null),
                    EntitlementSpec.ofDouble("ratio", 0.25, EXPIRES),
                    EntitlementSpec.ofBoolean("premium", true, expired),
                    EntitlementSpec.ofString("tier", "gold", EXPIRES))));

    List<Entitlement> items =
        entitlement
            .getEntitlements(
                b ->
                    b.productCode(PRODUCT)
                        .filter(
                            Map.of(
                                GetEntitlementFilterName.CUSTOMER_IDENTIFIER, List.of("cust-1"))))
            .entitlements();

    assertThat(items)
        .extracting(Entitlement::dimension)
        .containsExactly("seats", "ratio", "premium", "tier");
    assertThat(items).allSatisfy(e -> assertThat(e.customerIdentifier()).isEqualTo("cust-1"));
    assertThat(items.get(0).value().integerValue()).isEqualTo(5);
    assertThat(items.get(0).expirationDate()).isNull();
    assertThat(items.get(1).value().doubleValue()).isEqualTo(0.25);
    assertThat(items.get(1).value().integerValue()).isNull();
    assertThat(items.get(2).value().booleanValue()).isTrue();
    assertThat(items.get(2).expirationDate()).isEqualTo(expired);
    assertThat(items.get(3).value().stringValue()).isEqualTo("gold");
  }

  @Test
  void subscriptionWithoutEntitlementsIsEntitledToEachDimension() {
    subscribeAccount(ACCOUNT, "requests", "storage");
    List<Entitlement> items =
        entitlement.getEntitlements(b -> b.productCode(PRODUCT)).entitlements();
    assertThat(items).extracting(Entitlement::dimension).containsExactly("requests", "storage");
    assertThat(items)
        .allSatisfy(
            e -> {
              assertThat(e.value().booleanValue()).isTrue();
              assertThat(e.customerAWSAccountId()).isEqualTo(ACCOUNT);
            });
  }

  @Test
  void unsubscribedCustomersHaveNoEntitlements() {
    subscribeAccount(ACCOUNT, "requests");
    sim.subscribe(
        SubscriptionSpec.of(PRODUCT, CustomerId.awsAccount(account(5)), "requests")
            .withEntitlements(List.of(EntitlementSpec.ofInteger("requests", 3, EXPIRES)))
            .withSubscribed(false));
    assertThat(entitlement.getEntitlements(b -> b.productCode(PRODUCT)).entitlements())
        .extracting(Entitlement::customerAWSAccountId)
        .containsExactly(ACCOUNT);
    assertThat(entitlement.getEntitlements(b -> b.productCode("prod-other")).entitlements())
        .isEmpty();
  }

  @Test
  void invalidParametersAreRejected() {
    fiveCustomers();
    assertThatThrownBy(
            () -> entitlement.getEntitlements(b -> b.productCode(PRODUCT).maxResults(26)))
        .isInstanceOf(InvalidParameterException.class);
    assertThatThrownBy(
            () -> entitlement.getEntitlements(b -> b.productCode(PRODUCT).nextToken("garbage")))
        .isInstanceOf(InvalidParameterException.class);
    String token =
        entitlement.getEntitlements(b -> b.productCode(PRODUCT).maxResults(1)).nextToken();
    assertThatThrownBy(
            () ->
                entitlement.getEntitlements(
                    b ->
                        b.productCode(PRODUCT)
                            .nextToken(token)
                            .filter(Map.of(GetEntitlementFilterName.DIMENSION, List.of("seats")))))
        .as("a token is bound to the filter it was issued for")
        .isInstanceOf(InvalidParameterException.class);
    assertThat(
            entitlement
                .getEntitlements(b -> b.productCode(PRODUCT).maxResults(1).nextToken(token))
                .entitlements())
        .extracting(Entitlement::customerAWSAccountId)
        .containsExactly(account(1));
  }
}
