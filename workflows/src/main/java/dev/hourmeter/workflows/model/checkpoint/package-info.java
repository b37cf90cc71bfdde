/**
 * What a customer workflow carries across continue-as-new: {@link
 * dev.hourmeter.workflows.model.checkpoint.MeteringCheckpoint} and the parts it holds (pending and
 * carried usage, the backlog, remembered report ids, receipts waiting for CloudTrail, the identity
 * history). It is the next run's input, so its JSON shape follows docs/workflow-versioning.md.
 */
package dev.hourmeter.workflows.model.checkpoint;
