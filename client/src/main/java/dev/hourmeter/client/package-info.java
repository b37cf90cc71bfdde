/**
 * The one Temporal connection adapter of hourmeter's processes: {@link
 * dev.hourmeter.client.TemporalConnectionSettings} (address, namespace, task queue, API key,
 * TLS/mTLS), {@link dev.hourmeter.client.TemporalConnectionOptions} (their flags, shared by every
 * command) and {@link dev.hourmeter.client.TemporalConnection} (service stubs and workflow client
 * built from them); plus {@link dev.hourmeter.client.SettingResolver}, the one parser of settings
 * (a flag, else its environment variable, else the default), and {@link
 * dev.hourmeter.client.VisibilityQuery}, the one builder of visibility queries, and {@link
 * dev.hourmeter.client.TaskQueuePollers}, who polls a task queue (the worker's fleet). Both the
 * worker and the client commands ({@code hourmeter start/usage/status/unsubscribe/list/migrate})
 * connect through it.
 *
 * <p><b>Client-side only.</b> This module opens network connections, reads files and the
 * environment and sleeps on the wall clock: it must never be called from workflow code, which is
 * why it is not part of the deterministic {@code workflows} module.
 */
package dev.hourmeter.client;
