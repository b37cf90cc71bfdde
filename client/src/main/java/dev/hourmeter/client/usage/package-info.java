/**
 * The client library for sellers' Java services: {@link dev.hourmeter.client.usage.UsageReporter}
 * reports {@link dev.hourmeter.client.usage.UsageEvent}s to the customers' metering workflows in
 * one Temporal update per customer and answers an {@link dev.hourmeter.client.usage.EventOutcome}
 * per event: the same outcomes as the worker's HTTP ingest API, which is built on it.
 */
package dev.hourmeter.client.usage;
