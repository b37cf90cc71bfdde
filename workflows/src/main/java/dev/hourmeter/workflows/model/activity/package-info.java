/**
 * What the workflow's activities take and return: usage queries and collected usage, entitlement
 * checks, BatchMeterUsage submissions and their per-record results, and CloudTrail receipt checks.
 * These are written into workflow histories as activity inputs and results: their JSON shape
 * follows docs/workflow-versioning.md.
 */
package dev.hourmeter.workflows.model.activity;
