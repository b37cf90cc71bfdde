package dev.hourmeter.simulator;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.marketplacemetering.model.UsageRecordResultStatus;

/** Worker threads hit the simulator concurrently: no lost or doubled billing. */
class ConcurrencyTest extends SimulatorTestBase {

  @Test
  void concurrentBatchesBillEachKeyExactlyOnce() throws Exception {
    for (int c = 0; c < 8; c++) {
      subscribeAccount(account(c), "requests");
    }
    ExecutorService pool = Executors.newFixedThreadPool(8);
    try {
      List<Callable<List<String>>> tasks = new ArrayList<>();
      for (int t = 0; t < 8; t++) {
        tasks.add(
            () -> {
              List<String> ids = new ArrayList<>();
              for (int round = 0; round < 5; round++) {
                // every thread sends the same 8 records: only the first of each key may be billed
                var response =
                    metering.batchMeterUsage(
                        b ->
                            b.productCode(PRODUCT)
                                .usageRecords(
                                    records(8, HOUR).stream()
                                        .map(r -> r.toBuilder().quantity(1).build())
                                        .toList()));
                response
                    .results()
                    .forEach(
                        r -> {
                          assertThat(r.status()).isEqualTo(UsageRecordResultStatus.SUCCESS);
                          ids.add(r.meteringRecordId());
                        });
              }
              return ids;
            });
      }
      var allIds = new HashSet<String>();
      for (Future<List<String>> f : pool.invokeAll(tasks)) {
        allIds.addAll(f.get());
      }
      assertThat(sim.ledger()).hasSize(8);
      assertThat(allIds)
          .containsExactlyInAnyOrderElementsOf(
              sim.ledger().stream().map(LedgerEntry::meteringRecordId).toList());
      assertThat(sim.requestLog()).hasSize(40);
      assertThat(sim.cloudTrailEvents()).hasSize(40);
    } finally {
      pool.shutdownNow();
    }
  }
}
