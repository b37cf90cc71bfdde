"""Meters Concurrent Agreements usage against the hourmeter simulator with boto3.

Called by Boto3InteropTest with one argument, a JSON object: endpoint, accessKeyId, hour (epoch
seconds), account, otherAccount, licenses (two of the account's), otherLicense (otherAccount's),
productCode (the licenses' product). Prints one JSON object with what boto3 answered; the Java test
asserts on it. Uses only boto3 and the standard library.
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
    config = Config(retries={"total_max_attempts": 1, "mode": "standard"})
    metering = session.client("meteringmarketplace", endpoint_url=cfg["endpoint"], config=config)
    entitlement = session.client(
        "marketplace-entitlement", endpoint_url=cfg["endpoint"], config=config
    )
    hour = datetime.fromtimestamp(cfg["hour"], tz=timezone.utc)
    account = cfg["account"]
    l1, l2 = cfg["licenses"]
    model = metering.meta.service_model.shape_for("UsageRecord").members
    out = {
        "boto3": boto3.__version__,
        "botocore": botocore.__version__,
        "modelHasLicenseArn": "LicenseArn" in model,
        "modelHasQuantityAsDecimal": "QuantityAsDecimal" in model,
    }

    def record(license_arn, dimension="requests", **quantity):
        r = {
            "Timestamp": hour,
            "CustomerAWSAccountId": account,
            "LicenseArn": license_arn,
            "Dimension": dimension,
        }
        r.update(quantity)
        return r

    def results(answer):
        return [
            {
                "status": r["Status"],
                "meteringRecordId": r.get("MeteringRecordId"),
                "licenseArn": r["UsageRecord"].get("LicenseArn"),
                "account": r["UsageRecord"].get("CustomerAWSAccountId"),
                "quantity": r["UsageRecord"].get("Quantity"),
                "quantityAsDecimal": r["UsageRecord"].get("QuantityAsDecimal"),
            }
            for r in answer["Results"]
        ]

    def refused(call, modeled):
        try:
            call()
        except ClientError as e:
            return {
                "code": e.response["Error"]["Code"],
                "message": e.response["Error"].get("Message", ""),
                "httpStatus": e.response["ResponseMetadata"]["HTTPStatusCode"],
                "modeledException": modeled is not None and isinstance(e, modeled),
            }
        return {"code": None}

    out["accepted"] = results(
        metering.batch_meter_usage(
            UsageRecords=[record(l1, Quantity=5), record(l2, Quantity=5)]
        )
    )
    out["resent"] = results(metering.batch_meter_usage(UsageRecords=[record(l1, Quantity=5)]))
    out["duplicate"] = results(metering.batch_meter_usage(UsageRecords=[record(l1, Quantity=7)]))
    other = dict(record(cfg["otherLicense"], Quantity=1))
    out["otherAccountsLicense"] = refused(
        lambda: metering.batch_meter_usage(UsageRecords=[record(l1, Quantity=5), other]),
        metering.exceptions.InvalidLicenseException,
    )
    out["productCodeAndLicenseArn"] = refused(
        lambda: metering.batch_meter_usage(
            ProductCode=cfg["productCode"], UsageRecords=[record(l2, dimension="storage", Quantity=1)]
        ),
        None,
    )
    if out["modelHasQuantityAsDecimal"]:
        out["decimalSameValue"] = results(
            metering.batch_meter_usage(UsageRecords=[record(l1, QuantityAsDecimal="5.00")])
        )
        out["decimalFraction"] = results(
            metering.batch_meter_usage(
                UsageRecords=[record(l2, dimension="storage", QuantityAsDecimal="17.42")]
            )
        )
        out["decimalPattern"] = refused(
            lambda: metering.batch_meter_usage(
                UsageRecords=[record(l2, dimension="storage", QuantityAsDecimal="17.1234567")]
            ),
            None,
        )
        out["quantityAndDecimal"] = refused(
            lambda: metering.batch_meter_usage(
                UsageRecords=[record(l2, dimension="storage", Quantity=1, QuantityAsDecimal="1")]
            ),
            None,
        )
    answer = entitlement.get_entitlements(
        ProductCode=cfg["productCode"], Filter={"CUSTOMER_AWS_ACCOUNT_ID": [account]}
    )
    out["entitlements"] = [
        {
            "licenseArn": e.get("LicenseArn"),
            "account": e.get("CustomerAWSAccountId"),
            "dimension": e["Dimension"],
        }
        for e in answer["Entitlements"]
    ]
    print(json.dumps(out))


if __name__ == "__main__":
    main()
