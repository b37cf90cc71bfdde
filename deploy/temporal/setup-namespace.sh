#!/bin/sh
# Runs in temporalio/admin-tools: the namespace and hourmeter's Keyword search attributes (idempotent).
set -eu
ns="${TEMPORAL_NAMESPACE:-default}"
until temporal operator cluster health --address "$TEMPORAL_ADDRESS"; do echo "waiting for Temporal..."; sleep 3; done
temporal operator namespace describe -n "$ns" --address "$TEMPORAL_ADDRESS" >/dev/null 2>&1 \
  || temporal operator namespace create -n "$ns" --retention 30d --address "$TEMPORAL_ADDRESS"
for attribute in MeteringProduct MeteringCustomer MeteringLicense MeteringState MeteringVerification MeteringOutage MeteringAgreement; do
  temporal operator search-attribute create --namespace "$ns" --address "$TEMPORAL_ADDRESS" \
    --name "$attribute" --type Keyword || echo "search attribute $attribute exists"
done
echo "namespace $ns and search attributes ready"
