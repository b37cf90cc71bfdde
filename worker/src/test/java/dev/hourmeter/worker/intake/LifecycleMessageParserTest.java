package dev.hourmeter.worker.intake;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import org.junit.jupiter.api.Test;

class LifecycleMessageParserTest {

  private final LifecycleMessageParser parser = new LifecycleMessageParser();

  private static final String CREATED =
      """
      {"version":"0","id":"6a7e8feb-b491-4cf7-a9f1-bf3703467718",
       "detail-type":"Purchase Agreement Created - Manufacturer",
       "source":"aws.agreement-marketplace","account":"287250355862",
       "time":"2026-11-26T00:25:00Z","region":"us-east-1",
       "resources":["arn:aws:aws-marketplace:us-east-1:287250355862:AWSMarketplace/Agreement/agmt-1"],
       "detail":{"requestId":"r","agreement":{"id":"agmt-1","intent":"NEW","status":"ACTIVE"},
         "acceptor":{"accountId":"123456789012"},"proposer":{"accountId":"287250355862"},
         "offer":{"id":"offer-1"},"product":{"id":"prod-x","code":"abc123"},
         "license":{"arn":"arn:aws:license-manager::123456789012:license/l-1"}}}
      """;

  @Test
  void readsAnEventBridgeEventAsARuleDeliversIt() throws Exception {
    LifecycleEvent event = parser.parse(CREATED);
    assertThat(event.action()).isEqualTo(LifecycleAction.START);
    assertThat(event.format()).isEqualTo("eventbridge");
    assertThat(event.productCode()).isEqualTo("abc123");
    assertThat(event.customer()).isEqualTo("123456789012");
    assertThat(event.licenseArn()).isEqualTo("arn:aws:license-manager::123456789012:license/l-1");
    assertThat(event.agreementId()).isEqualTo("agmt-1");
    assertThat(event.time()).isEqualTo(Instant.parse("2026-11-26T00:25:00Z"));
  }

  @Test
  void mapsEveryDetailTypeWhateverTheRole() throws Exception {
    assertThat(action("Purchase Agreement Created - Proposer")).isEqualTo(LifecycleAction.START);
    assertThat(action("Purchase Agreement Amended - Manufacturer"))
        .isEqualTo(LifecycleAction.ENTITLEMENTS_CHANGED);
    assertThat(action("Purchase Agreement Ended - Manufacturer"))
        .isEqualTo(LifecycleAction.AGREEMENT_ENDED);
    assertThat(action("License Updated - Manufacturer"))
        .isEqualTo(LifecycleAction.START_OR_ENTITLEMENTS_CHANGED);
    assertThat(action("License Deprovisioned - Manufacturer"))
        .isEqualTo(LifecycleAction.AGREEMENT_ENDED);
    assertThat(action("Purchase Agreement Ending - Manufacturer"))
        .isEqualTo(LifecycleAction.NOTHING);
  }

  @Test
  void anEndingWithOnlyTheAgreementIdIsRead_aCreationWithoutTheLicenseIsNot() throws Exception {
    String withoutLicense =
        CREATED.replace(
            ",\n   \"license\":{\"arn\":\"arn:aws:license-manager::123456789012:license/l-1\"}",
            "");
    assertThat(withoutLicense).doesNotContain("license-manager");
    String endedByAgreement =
        withoutLicense
            .replace("Purchase Agreement Created", "Purchase Agreement Ended")
            .replace("\"product\":{\"id\":\"prod-x\",\"code\":\"abc123\"}", "\"y\":1");
    LifecycleEvent ended = parser.parse(endedByAgreement);
    assertThat(ended.action()).isEqualTo(LifecycleAction.AGREEMENT_ENDED);
    assertThat(ended.identifiesCustomer()).isFalse();
    assertThat(ended.agreementId()).isEqualTo("agmt-1");

    assertThatThrownBy(() -> parser.parse(withoutLicense))
        .isInstanceOf(MalformedMessageException.class)
        .hasMessageContaining("detail.license.arn");
  }

  @Test
  void readsTheAgreementStatusTheEventCarries() throws Exception {
    String ended = CREATED.replace("Purchase Agreement Created", "Purchase Agreement Ended");
    assertThat(parser.parse(ended.replace("\"ACTIVE\"", "\"RENEWED\"")).agreementStatus())
        .isEqualTo("RENEWED");
    assertThat(parser.parse(ended.replace("\"ACTIVE\"", "\" CANCELLED \"")).agreementStatus())
        .isEqualTo("CANCELLED");
    assertThat(parser.parse(ended).agreementStatus()).isEqualTo("ACTIVE");
    assertThat(parser.parse(ended.replace(",\"status\":\"ACTIVE\"", "")).agreementStatus())
        .as("absent")
        .isNull();
    assertThat(ended.replace(",\"status\":\"ACTIVE\"", "")).doesNotContain("status");
    // Whatever is not a non-blank string is taken as absent, never a failure to read the event.
    for (String hostile :
        new String[] {"null", "\"  \"", "42", "1e400", "true", "{\"x\":1}", "[\"RENEWED\"]"}) {
      LifecycleEvent event = parser.parse(ended.replace("\"ACTIVE\"", hostile));
      assertThat(event.agreementStatus()).as(hostile).isNull();
      assertThat(event.action()).as(hostile).isEqualTo(LifecycleAction.AGREEMENT_ENDED);
      assertThat(event.agreementId()).as(hostile).isEqualTo("agmt-1");
    }
    // SNS notifications carry no agreement status.
    assertThat(
            parser
                .parse(
                    "{\"action\":\"unsubscribe-pending\",\"customer-identifier\":\"c\","
                        + "\"product-code\":\"abc123\"}")
                .agreementStatus())
        .isNull();
  }

  @Test
  void readsSnsInTheEnvelopeAndRaw() throws Exception {
    String inner =
        "{\"action\":\"unsubscribe-success\",\"customer-identifier\":\"cust-1\","
            + "\"product-code\":\"abc123\",\"offer-identifier\":\"o\",\"isFreeTrialTermPresent\":\"false\"}";
    String envelope =
        "{\"Type\":\"Notification\",\"MessageId\":\"m-1\",\"TopicArn\":\"arn:aws:sns:us-east-1:1:t\","
            + "\"Message\":"
            + new com.fasterxml.jackson.databind.ObjectMapper().writeValueAsString(inner)
            + ",\"Timestamp\":\"2026-11-26T01:00:00.000Z\"}";
    LifecycleEvent enveloped = parser.parse(envelope);
    assertThat(enveloped.action()).isEqualTo(LifecycleAction.SUBSCRIPTION_ENDED);
    assertThat(enveloped.format()).isEqualTo("sns");
    assertThat(enveloped.customer()).isEqualTo("cust-1");
    assertThat(enveloped.time()).isEqualTo(Instant.parse("2026-11-26T01:00:00Z"));
    LifecycleEvent raw = parser.parse(inner);
    assertThat(raw.format()).isEqualTo("sns-raw");
    assertThat(raw.time()).isNull();
    assertThat(parser.parse(inner.replace("unsubscribe-success", "subscribe-fail")).action())
        .isEqualTo(LifecycleAction.NOTHING);
  }

  @Test
  void malformedMessagesSayWhy() {
    assertThatThrownBy(() -> parser.parse("not json"))
        .isInstanceOf(MalformedMessageException.class)
        .hasMessageContaining("not JSON");
    assertThatThrownBy(() -> parser.parse("[1]")).hasMessageContaining("not a JSON object");
    assertThatThrownBy(() -> parser.parse("{\"action\":\"dance\",\"product-code\":\"p\"}"))
        .hasMessageContaining("unknown action dance");
    assertThatThrownBy(() -> parser.parse("{\"action\":\"subscribe-success\"}"))
        .hasMessageContaining("product-code");
    assertThatThrownBy(() -> parser.parse(CREATED.replace("aws.agreement-marketplace", "aws.ec2")))
        .hasMessageContaining("aws.ec2");
    assertThatThrownBy(
            () -> parser.parse("{\"Type\":\"SubscriptionConfirmation\",\"Message\":\"x\"}"))
        .hasMessageContaining("SubscriptionConfirmation");
  }

  @Test
  void theAgreementQueryEscapesQuotes() {
    assertThat(LifecycleTemporal.agreementQuery("agmt-1"))
        .isEqualTo("MeteringAgreement = 'agmt-1' AND ExecutionStatus = 'Running'");
    assertThat(LifecycleTemporal.agreementQuery("a'b")).contains("'a\\'b'");
  }

  private LifecycleEvent parseType(String detailType) throws MalformedMessageException {
    return parser.parse(CREATED.replace("Purchase Agreement Created - Manufacturer", detailType));
  }

  private LifecycleAction action(String detailType) throws MalformedMessageException {
    return parseType(detailType).action();
  }
}
