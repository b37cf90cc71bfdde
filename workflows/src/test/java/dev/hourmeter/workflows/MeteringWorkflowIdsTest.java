package dev.hourmeter.workflows;

import static org.assertj.core.api.Assertions.assertThat;

import dev.hourmeter.workflows.MeteringWorkflowIds.Parsed;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class MeteringWorkflowIdsTest {

  @Test
  void productAndCustomerHoldingSlashesGetDifferentIds() {
    String productWithSlash = MeteringWorkflowIds.forCustomer("a/b", "x4");
    String customerWithSlash = MeteringWorkflowIds.forCustomer("a", "b/x4");

    assertThat(productWithSlash).isNotEqualTo(customerWithSlash);
    assertThat(productWithSlash).isEqualTo("metering/a%2Fb/x4");
    assertThat(customerWithSlash).isEqualTo("metering/a/b%2Fx4");
  }

  @Test
  void idsWithoutPercentOrSlashAreUnchanged() {
    for (String[] pair :
        List.of(
            new String[] {"hourmeter-demo", "demo-customer-1"},
            new String[] {"prod-a", "111122223333"},
            new String[] {"p=1:x_y.z@q", "Legacy Id with spaces+symbols!"})) {
      assertThat(MeteringWorkflowIds.forCustomer(pair[0], pair[1]))
          .isEqualTo("metering/" + pair[0] + "/" + pair[1])
          .isEqualTo(MeteringWorkflowIds.unescapedForCustomer(pair[0], pair[1]));
    }
  }

  @Test
  void everyIdParsesBackToItsProductAndCustomer() {
    List<String> values =
        List.of("a", "a/b", "b/x4", "%", "%2F", "%25", "a%2Fb", "/", "//", "x/", "/x", "100%/");
    Map<String, Parsed> seen = new HashMap<>();
    for (String product : values) {
      for (String customer : values) {
        String id = MeteringWorkflowIds.forCustomer(product, customer);
        Parsed parsed = MeteringWorkflowIds.parse(id).orElseThrow();

        assertThat(parsed).isEqualTo(new Parsed(product, customer));
        assertThat(seen.put(id, parsed)).as("id %s built twice", id).isNull();
      }
    }
  }

  @Test
  void idsThatAreNotEscapedMeteringIdsDoNotParse() {
    assertThat(MeteringWorkflowIds.parse("other/a/b")).isEmpty();
    assertThat(MeteringWorkflowIds.parse("metering/a/b/x4")).isEmpty();
    assertThat(MeteringWorkflowIds.parse("metering/a")).isEmpty();
    assertThat(MeteringWorkflowIds.parse("metering/a%2x/b")).isEmpty();
    assertThat(MeteringWorkflowIds.parse("metering//b")).isEmpty();
  }
}
