package dev.hourmeter.simulator;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.cfg.JsonNodeFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.http.SdkHttpRequest;
import software.amazon.awssdk.services.marketplacemetering.MarketplaceMeteringClient;
import software.amazon.awssdk.services.marketplacemetering.model.BatchMeterUsageResponse;
import software.amazon.awssdk.services.marketplacemetering.model.UsageRecord;
import software.amazon.awssdk.services.marketplacemetering.model.UsageRecordResult;

/**
 * One buyer's hour under both identity kinds: records sent with ProductCode (a CustomerIdentifier
 * or an account without license) and with LicenseArn for the same account, product and hour are
 * both billed, as AWS does (double billing, not a rejection), and the later one is flagged in the
 * ledger. The real AWS SDK sends both; the served model lacks LicenseArn, so a test interceptor
 * adds it to the serialized body (as hourmeter's own does).
 */
class IdentityOverlapTest extends SimulatorTestBase {

  static final String PRODUCT_M = "prod-migrating";
  static final String LICENSE =
      ConcurrentAgreementsTest.license("44444444444444444444444444444444");
  static final String BUYER = "444455556666";

  private MarketplaceMeteringClient licensedMetering;

  @BeforeEach
  void licensedClient() {
    licensedMetering =
        MarketplaceMeteringClient.builder()
            .endpointOverride(sim.endpoint())
            .region(software.amazon.awssdk.regions.Region.US_EAST_1)
            .credentialsProvider(credentials())
            .httpClientBuilder(
                software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient.builder())
            .overrideConfiguration(
                c ->
                    c.retryStrategy(
                            software.amazon.awssdk.awscore.retry.AwsRetryStrategy.doNotRetry())
                        .addExecutionInterceptor(new LicenseArnInterceptor(LICENSE)))
            .build();
  }

  @AfterEach
  void closeLicensedClient() {
    licensedMetering.close();
  }

  /** A legacy agreement (CustomerIdentifier of BUYER) and a license of BUYER, one product. */
  private String legacyAgreementAndLicense() {
    sim.registerProduct(ProductSpec.migrating(PRODUCT_M, "requests", "storage"));
    Agreement legacy =
        sim.agreements().create(AgreementSpec.of(PRODUCT_M, BUYER, "requests", "storage"));
    assertThat(legacy.customerIdentifier()).isNotNull();
    sim.subscribe(SubscriptionSpec.ofLicense(PRODUCT_M, BUYER, LICENSE, "requests", "storage"));
    return legacy.customerIdentifier();
  }

  private BatchMeterUsageResponse meterLegacy(UsageRecord record) {
    return metering.batchMeterUsage(b -> b.productCode(PRODUCT_M).usageRecords(record));
  }

  private BatchMeterUsageResponse meterLicensed(UsageRecord record) {
    // The interceptor drops this ProductCode and adds LicenseArn to the record.
    return licensedMetering.batchMeterUsage(b -> b.productCode(PRODUCT_M).usageRecords(record));
  }

  private static String status(BatchMeterUsageResponse response) {
    return response.results().stream()
        .map(UsageRecordResult::statusAsString)
        .findFirst()
        .orElse("");
  }

  @Test
  void aCustomerIdentifierHourAndALicenseHourOfTheSameBuyerAreBothBilledAndFlagged() {
    String identifier = legacyAgreementAndLicense();

    assertThat(status(meterLegacy(identifierRecord(identifier, "requests", HOUR, 5))))
        .isEqualTo("Success");
    assertThat(status(meterLicensed(accountRecord(BUYER, "storage", HOUR, 7))))
        .as("another dimension, same hour: still the same customer-hour")
        .isEqualTo("Success");

    assertThat(sim.ledger())
        .extracting(LedgerEntry::licenseArn, LedgerEntry::quantity, LedgerEntry::identityOverlap)
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple(null, 5L, false),
            org.assertj.core.groups.Tuple.tuple(LICENSE, 7L, true));
    assertThat(sim.identityOverlaps()).isEqualTo(1);

    JsonNode ledger = HttpSupport.send(sim, "GET", "/_sim/ledger", null).body();
    assertThat(ledger.path("identityOverlaps").asLong()).isEqualTo(1);
    assertThat(ledger.path("records"))
        .extracting(r -> r.path("identityOverlap").asBoolean())
        .containsExactly(false, true);
  }

  @Test
  void anAccountWithoutLicenseAfterALicenseInTheSameHourIsFlaggedToo() {
    legacyAgreementAndLicense();
    sim.subscribe(SubscriptionSpec.of(PRODUCT_M, CustomerId.awsAccount(BUYER), "requests"));

    assertThat(status(meterLicensed(accountRecord(BUYER, "requests", HOUR, 2))))
        .isEqualTo("Success");
    assertThat(status(meterLegacy(accountRecord(BUYER, "requests", HOUR, 3)))).isEqualTo("Success");

    assertThat(sim.ledger()).extracting(LedgerEntry::identityOverlap).containsExactly(false, true);
    assertThat(sim.ledger().stream().mapToLong(LedgerEntry::quantity).sum())
        .as("both billed: AWS charges the hour twice")
        .isEqualTo(5);
  }

  @Test
  void differentHoursResendsAndOtherBuyersAreNotFlagged() {
    String identifier = legacyAgreementAndLicense();
    Instant previous = HOUR.minus(Duration.ofHours(1));

    meterLegacy(identifierRecord(identifier, "requests", previous, 5));
    meterLegacy(identifierRecord(identifier, "requests", previous, 5)); // identical re-send
    meterLicensed(accountRecord(BUYER, "requests", HOUR, 6));
    meterLicensed(accountRecord(BUYER, "requests", HOUR, 6)); // identical re-send
    meterLicensed(accountRecord(BUYER, "storage", HOUR, 1)); // same kind, other dimension
    // A legacy customer nothing links to BUYER (no agreement gave it): another buyer.
    sim.subscribe(SubscriptionSpec.of(PRODUCT_M, CustomerId.identifier("cust-other"), "requests"));
    meterLegacy(identifierRecord("cust-other", "requests", HOUR, 9));

    assertThat(sim.ledger()).hasSize(4).noneMatch(LedgerEntry::identityOverlap);
    assertThat(sim.identityOverlaps()).isZero();

    sim.reset();
    assertThat(sim.identityOverlaps()).isZero();
  }

  @Test
  void boto3SendsBothIdentitiesForOneHourAndTheLedgerFlagsTheSecond() throws Exception {
    Path python = Boto3Python.require();
    String identifier = legacyAgreementAndLicense();
    ObjectNode config = HttpSupport.JSON.createObjectNode();
    config.put("endpoint", sim.endpoint().toString());
    config.put("accessKeyId", ACCESS_KEY);
    config.put("hour", HOUR.getEpochSecond());
    config.put("productCode", PRODUCT_M);
    config.put("customerIdentifier", identifier);
    config.put("account", BUYER);
    config.put("licenseArn", LICENSE);
    Path script = Path.of(getClass().getResource("/boto3/identity_overlap.py").toURI());

    Boto3Python.Run run = Boto3Python.run(python, List.of(script.toString(), config.toString()));
    assertThat(run.exitCode()).as("python failed: %s", run.stderr()).isZero();
    JsonNode out = HttpSupport.JSON.readTree(run.stdout());

    assertThat(out.path("legacy").asText()).isEqualTo("Success");
    assertThat(out.path("licensed").asText()).isEqualTo("Success");
    assertThat(out.path("previousHourLicensed").asText()).isEqualTo("Success");
    assertThat(sim.ledger())
        .extracting(LedgerEntry::timestamp, LedgerEntry::identityOverlap)
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple(HOUR, false),
            org.assertj.core.groups.Tuple.tuple(HOUR, true),
            org.assertj.core.groups.Tuple.tuple(HOUR.minus(Duration.ofHours(1)), false));
    assertThat(sim.identityOverlaps()).isEqualTo(1);
  }

  /**
   * Sends every BatchMeterUsage record with {@code LicenseArn} and without the request's {@code
   * ProductCode}: what the served SDK model cannot express (hourmeter's activities do the same).
   */
  static final class LicenseArnInterceptor implements ExecutionInterceptor {

    private static final ObjectMapper JSON =
        JsonMapper.builder()
            .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
            .disable(JsonNodeFeature.STRIP_TRAILING_BIGDECIMAL_ZEROES)
            .enable(JsonGenerator.Feature.WRITE_BIGDECIMAL_AS_PLAIN)
            .build();

    private final String licenseArn;

    LicenseArnInterceptor(String licenseArn) {
      this.licenseArn = licenseArn;
    }

    @Override
    public Optional<RequestBody> modifyHttpContent(
        Context.ModifyHttpRequest context, ExecutionAttributes attributes) {
      return Optional.of(RequestBody.fromBytes(rewritten(context)));
    }

    @Override
    public SdkHttpRequest modifyHttpRequest(
        Context.ModifyHttpRequest context, ExecutionAttributes attributes) {
      return context.httpRequest().toBuilder()
          .putHeader("Content-Length", Integer.toString(rewritten(context).length))
          .build();
    }

    private byte[] rewritten(Context.ModifyHttpRequest context) {
      try (InputStream in =
          context.requestBody().orElseThrow().contentStreamProvider().newStream()) {
        ObjectNode root = (ObjectNode) JSON.readTree(in.readAllBytes());
        root.remove("ProductCode");
        root.get("UsageRecords").forEach(r -> ((ObjectNode) r).put("LicenseArn", licenseArn));
        return JSON.writeValueAsBytes(root);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
  }
}
