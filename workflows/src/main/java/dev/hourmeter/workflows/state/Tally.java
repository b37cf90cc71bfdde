package dev.hourmeter.workflows.state;

import dev.hourmeter.workflows.model.api.MeteringCounters;
import java.util.function.UnaryOperator;

/**
 * The customer's {@link MeteringCounters}, shared by the parts of the state that count (usage
 * reports in {@link CustomerState}, records and receipts in {@link Submissions}).
 */
final class Tally {

  private MeteringCounters value;

  Tally(MeteringCounters value) {
    this.value = value;
  }

  MeteringCounters value() {
    return value;
  }

  void add(UnaryOperator<MeteringCounters> change) {
    value = change.apply(value);
  }
}
