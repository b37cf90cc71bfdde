package dev.hourmeter.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.temporal.common.SearchAttributeKey;
import org.junit.jupiter.api.Test;

class VisibilityQueryTest {

  private static final SearchAttributeKey<String> PRODUCT =
      SearchAttributeKey.forKeyword("MeteringProduct");
  private static final SearchAttributeKey<String> STATE =
      SearchAttributeKey.forKeyword("MeteringState");

  @Test
  void termsAreJoinedByAndInTheOrderGiven() {
    assertThat(
            VisibilityQuery.workflowType("CustomerMetering")
                .andIfGiven(PRODUCT, "prod-a")
                .andIfGiven(STATE, null)
                .running()
                .toString())
        .isEqualTo(
            "WorkflowType = 'CustomerMetering' AND MeteringProduct = 'prod-a'"
                + " AND ExecutionStatus = 'Running'");
    assertThat(VisibilityQuery.where(PRODUCT, "p").toString()).isEqualTo("MeteringProduct = 'p'");
  }

  @Test
  void anExecutionStatusTermNarrowsToRunsTemporalItselfCallsSo() {
    assertThat(
            VisibilityQuery.workflowType("CustomerMetering")
                .and(STATE, "ACTIVE")
                .executionStatus("Running")
                .toString())
        .isEqualTo(
            "WorkflowType = 'CustomerMetering' AND MeteringState = 'ACTIVE'"
                + " AND ExecutionStatus = 'Running'");
    assertThat(VisibilityQuery.workflowType("T").executionStatus("Terminated").toString())
        .isEqualTo("WorkflowType = 'T' AND ExecutionStatus = 'Terminated'");
  }

  @Test
  void quotesAndBackslashesInValuesAreEscapedSoNoValueEndsItsLiteral() {
    assertThat(VisibilityQuery.where(PRODUCT, "a'b").toString())
        .isEqualTo("MeteringProduct = 'a\\'b'");
    assertThat(VisibilityQuery.where(PRODUCT, "x' OR '1'='1").toString())
        .isEqualTo("MeteringProduct = 'x\\' OR \\'1\\'=\\'1'");
    // A trailing backslash must not escape the closing quote.
    assertThat(VisibilityQuery.where(PRODUCT, "a\\").and(STATE, "ACTIVE").toString())
        .isEqualTo("MeteringProduct = 'a\\\\' AND MeteringState = 'ACTIVE'");
    assertThat(VisibilityQuery.literal("\\'")).isEqualTo("'\\\\\\''");
  }

  @Test
  void aQueryIsImmutable() {
    VisibilityQuery base = VisibilityQuery.workflowType("T");
    base.and(PRODUCT, "p");
    assertThat(base.toString()).isEqualTo("WorkflowType = 'T'");
  }

  @Test
  void attributeNamesMustBeIdentifiersAndValuesPresent() {
    assertThatThrownBy(() -> VisibilityQuery.where("A = 'x' OR B", "y"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("not a search attribute name");
    assertThatThrownBy(() -> VisibilityQuery.where(PRODUCT, null))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("MeteringProduct");
  }
}
