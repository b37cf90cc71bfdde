package dev.hourmeter.workflows.state;

import java.util.ArrayDeque;
import java.util.List;

/** Keeps the most recent {@code capacity} items, for status views that must stay small. */
public final class BoundedList<T> {

  private final int capacity;
  private final ArrayDeque<T> items = new ArrayDeque<>();

  public BoundedList(int capacity) {
    this.capacity = capacity;
  }

  public void add(T item) {
    items.addLast(item);
    while (items.size() > capacity) {
      items.removeFirst();
    }
  }

  public List<T> items() {
    return List.copyOf(items);
  }
}
