/**
 * The customer workflow's API: what it is started with ({@link
 * dev.hourmeter.workflows.model.api.CustomerMeteringInput}, {@link
 * dev.hourmeter.workflows.model.api.MeteringSubscription}, {@link
 * dev.hourmeter.workflows.model.api.MeteringTuning}), what its signals and updates take and answer
 * ({@link dev.hourmeter.workflows.model.api.UsageReport}, {@link
 * dev.hourmeter.workflows.model.api.UsageReceipt}, {@link
 * dev.hourmeter.workflows.model.api.IdentityMigration}), and what its {@code status} query answers
 * ({@link dev.hourmeter.workflows.model.api.MeteringStatus}). Every record here is serialized into
 * workflow histories or travels to clients: its JSON shape follows docs/workflow-versioning.md.
 */
package dev.hourmeter.workflows.model.api;
