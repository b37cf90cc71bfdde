/**
 * The one Temporal connection adapter of hourmeter's processes: {@link
 * dev.hourmeter.workflows.client.TemporalConnectionSettings} (address, namespace, task queue, API
 * key, TLS/mTLS, resolved from flags, then environment variables, then defaults) and {@link
 * dev.hourmeter.workflows.client.TemporalConnection} (service stubs and workflow client built from
 * them). Both the worker and the client commands ({@code hourmeter
 * start/usage/status/list/unsubscribe}) connect through it.
 *
 * <p><b>Client-side only.</b> This package opens network connections, reads files and the
 * environment and sleeps on the wall clock. It must never be called from workflow code (the
 * workflow implementations in {@code dev.hourmeter.workflows} and anything they call): that code
 * runs deterministically inside the workflow sandbox and replays from history. It lives in the
 * {@code workflows} module only because that is the one module both the worker and the starter
 * depend on.
 */
package dev.hourmeter.workflows.client;
