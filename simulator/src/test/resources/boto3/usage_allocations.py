"""Meters tagged usage (UsageAllocations) against the hourmeter simulator with boto3.

Called by Boto3AllocationsTest with one argument, a JSON object: endpoint, accessKeyId, hour (epoch
seconds), account, productCode. Client-side parameter validation is off, so every request reaches the
simulator as written. Prints one JSON object with what boto3 answered; the Java test asserts on it.
"""

import json
import sys
from datetime import datetime, timezone

import boto3
import botocore
from botocore.config import Config
from botocore.exceptions import ClientError


def main():
    cfg = json.loads(sys.argv[1])
    session = boto3.session.Session(
        aws_access_key_id=cfg["accessKeyId"],
        aws_secret_access_key="dummy-secret",
        region_name="us-east-1",
    )
    config = Config(retries={"total_max_attempts": 1, "mode": "standard"}, parameter_validation=False)
    metering = session.client("meteringmarketplace", endpoint_url=cfg["endpoint"], config=config)
    hour = datetime.fromtimestamp(cfg["hour"], tz=timezone.utc)
    allocation = metering.meta.service_model.shape_for("UsageAllocation").members
    out = {
        "botocore": botocore.__version__,
        "modelHasAllocatedUsageQuantityAsDecimal": "AllocatedUsageQuantityAsDecimal" in allocation,
    }

    def record(dimension, allocations, **quantity):
        r = {
            "Timestamp": hour,
            "CustomerAWSAccountId": cfg["account"],
            "Dimension": dimension,
            "UsageAllocations": allocations,
        }
        r.update(quantity)
        return r

    def tags(**kv):
        return [{"Key": k, "Value": v} for k, v in kv.items()]

    def meter(*records):
        return metering.batch_meter_usage(ProductCode=cfg["productCode"], UsageRecords=list(records))

    def refused(*records):
        try:
            meter(*records)
        except ClientError as e:
            code = e.response["Error"]["Code"]
            modeled = getattr(metering.exceptions, code, None)
            return {
                "code": code,
                "message": e.response["Error"].get("Message", ""),
                "httpStatus": e.response["ResponseMetadata"]["HTTPStatusCode"],
                "modeledException": modeled is not None and isinstance(e, modeled),
            }
        return {"code": None}

    good = record(
        "requests",
        [{"AllocatedUsageQuantity": 2, "Tags": tags(team="a", env="prod")},
         {"AllocatedUsageQuantity": 3}],
        Quantity=5,
    )
    answer = meter(good)
    out["accepted"] = [
        {"status": r["Status"], "allocations": r["UsageRecord"].get("UsageAllocations")}
        for r in answer["Results"]
    ]
    # Every refusal below also carries a valid storage record: the whole request must be refused.
    fine = record("storage", [{"AllocatedUsageQuantity": 1, "Tags": tags(team="a")}], Quantity=1)
    out["wrongSum"] = refused(
        fine, record("requests", [{"AllocatedUsageQuantity": 4, "Tags": tags(team="a")}], Quantity=5)
    )
    out["mixedKinds"] = refused(
        fine,
        record(
            "requests",
            [{"AllocatedUsageQuantity": 3, "Tags": tags(team="a")},
             {"AllocatedUsageQuantityAsDecimal": "0.5"}],
            QuantityAsDecimal="3.5",
        ),
    )
    out["tooMany"] = refused(
        fine,
        record(
            "requests",
            [{"AllocatedUsageQuantity": 1, "Tags": tags(n="%04d" % i)} for i in range(2501)],
            Quantity=2501,
        ),
    )
    out["repeatedTagSet"] = refused(
        fine,
        record(
            "requests",
            [{"AllocatedUsageQuantity": 1, "Tags": tags(team="a", env="prod")},
             {"AllocatedUsageQuantity": 1, "Tags": tags(env="prod", team="a")}],
            Quantity=2,
        ),
    )
    out["badTag"] = refused(
        fine, record("requests", [{"AllocatedUsageQuantity": 5, "Tags": tags(team="a?b")}], Quantity=5)
    )
    out["sixTags"] = refused(
        fine,
        record(
            "requests",
            [{"AllocatedUsageQuantity": 5, "Tags": tags(a="1", b="2", c="3", d="4", e="5", f="6")}],
            Quantity=5,
        ),
    )
    print(json.dumps(out))


if __name__ == "__main__":
    main()
