package dev.hourmeter.workflows;

import static org.assertj.core.api.Assertions.assertThat;

import dev.hourmeter.workflows.MeteringWorkflowIds.Parsed;
import dev.hourmeter.workflows.model.api.CustomerId;
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

  private static final String ACCOUNT = "123456789012";
  private static final String LICENSE_A =
      "arn:aws:license-manager::123456789012:license/l-0123456789abcdef0123456789abcdef";
  private static final String LICENSE_B =
      "arn:aws:license-manager::123456789012:license/l-fedcba9876543210fedcba9876543210";

  @Test
  void aLicensedCustomerHasTheEscapedLicenseArnAsThirdSegment() {
    String id = MeteringWorkflowIds.forCustomer("prod-1", CustomerId.licensed(ACCOUNT, LICENSE_A));

    assertThat(id)
        .isEqualTo(
            "metering/prod-1/123456789012/arn:aws:license-manager::123456789012:license%2F"
                + "l-0123456789abcdef0123456789abcdef");
    assertThat(MeteringWorkflowIds.parse(id)).contains(new Parsed("prod-1", ACCOUNT, LICENSE_A));
    assertThat(MeteringWorkflowIds.lengthProblem(id)).isNull();
  }

  @Test
  void twoLicensesOfOneAccountAndTheAccountWithoutLicenseGetThreeIds() {
    String a = MeteringWorkflowIds.forCustomer("p", CustomerId.licensed(ACCOUNT, LICENSE_A));
    String b = MeteringWorkflowIds.forCustomer("p", CustomerId.licensed(ACCOUNT, LICENSE_B));
    String unlicensed = MeteringWorkflowIds.forCustomer("p", CustomerId.awsAccount(ACCOUNT));

    assertThat(List.of(a, b, unlicensed)).doesNotHaveDuplicates();
    assertThat(unlicensed).isEqualTo("metering/p/" + ACCOUNT);
    assertThat(MeteringWorkflowIds.forCustomer("p", ACCOUNT, null)).isEqualTo(unlicensed);
    assertThat(MeteringWorkflowIds.forCustomer("p", ACCOUNT, " ")).isEqualTo(unlicensed);
  }

  @Test
  void everyLicensedIdParsesBackToItsProductCustomerAndLicense() {
    List<String> products = List.of("a", "a/b", "%", "x/", "100%/");
    List<String> licenses =
        List.of(
            LICENSE_A,
            "arn:aws-cn:license-manager::123456789012:license/l-1",
            "arn:aws:license-manager:us-east-1:123456789012:license/a/b//c",
            "arn:aws:x:::y");
    Map<String, Parsed> seen = new HashMap<>();
    for (String product : products) {
      seen.put(MeteringWorkflowIds.forCustomer(product, ACCOUNT), new Parsed(product, ACCOUNT));
      for (String license : licenses) {
        String id = MeteringWorkflowIds.forCustomer(product, ACCOUNT, license);
        Parsed parsed = MeteringWorkflowIds.parse(id).orElseThrow();

        assertThat(parsed).isEqualTo(new Parsed(product, ACCOUNT, license));
        assertThat(seen.put(id, parsed)).as("id %s built twice", id).isNull();
      }
    }
  }

  @Test
  void aThirdSegmentReadsAsLicenseOnlyForAnAccountIdAndAnArn() {
    assertThat(MeteringWorkflowIds.parse("metering/a/legacy/arn:aws:x:::y")).isEmpty();
    assertThat(MeteringWorkflowIds.parse("metering/a/123456789012/not-an-arn")).isEmpty();
    assertThat(MeteringWorkflowIds.parse("metering/a/123456789012/arn:aws:x:::y/z")).isEmpty();
    assertThat(MeteringWorkflowIds.parse("metering/a/123456789012/arn:aws:x:::y"))
        .contains(new Parsed("a", ACCOUNT, "arn:aws:x:::y"));
  }

  @Test
  void anIdOverTemporalsLimitIsAProblem() {
    String longLicense = "arn:aws:license-manager::123456789012:license/" + "/".repeat(300);
    String id = MeteringWorkflowIds.forCustomer("p".repeat(100), ACCOUNT, longLicense);

    assertThat(id).hasSizeGreaterThan(MeteringWorkflowIds.MAX_LENGTH);
    assertThat(MeteringWorkflowIds.lengthProblem(id))
        .isEqualTo(
            "the workflow id would be "
                + id.length()
                + " characters, over Temporal's limit of "
                + MeteringWorkflowIds.MAX_LENGTH);
  }
}
