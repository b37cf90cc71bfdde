"""Meters one buyer's hour under both identities with boto3 against the hourmeter simulator.

Called by IdentityOverlapTest with one argument, a JSON object: endpoint, accessKeyId, hour (epoch
seconds), productCode (a migrating product), customerIdentifier (the buyer's legacy id), account
and licenseArn (the same buyer's license). Sends a ProductCode + CustomerIdentifier record for the
hour, then a LicenseArn record for the same hour, then a LicenseArn record for the hour before, and
prints each status as JSON. Uses only boto3 and the standard library.
"""

import json
import sys
from datetime import datetime, timedelta, timezone

import boto3
from botocore.config import Config


def main():
    cfg = json.loads(sys.argv[1])
    session = boto3.session.Session(
        aws_access_key_id=cfg["accessKeyId"],
        aws_secret_access_key="dummy-secret",
        region_name="us-east-1",
    )
    config = Config(retries={"total_max_attempts": 1, "mode": "standard"})
    metering = session.client("meteringmarketplace", endpoint_url=cfg["endpoint"], config=config)
    hour = datetime.fromtimestamp(cfg["hour"], tz=timezone.utc)

    def status(response):
        return response["Results"][0]["Status"]

    legacy = metering.batch_meter_usage(
        ProductCode=cfg["productCode"],
        UsageRecords=[
            {
                "Timestamp": hour,
                "CustomerIdentifier": cfg["customerIdentifier"],
                "Dimension": "requests",
                "QuantityAsDecimal": "5",
            }
        ],
    )

    def licensed(at):
        return metering.batch_meter_usage(
            UsageRecords=[
                {
                    "Timestamp": at,
                    "CustomerAWSAccountId": cfg["account"],
                    "LicenseArn": cfg["licenseArn"],
                    "Dimension": "requests",
                    "QuantityAsDecimal": "7",
                }
            ]
        )

    print(
        json.dumps(
            {
                "legacy": status(legacy),
                "licensed": status(licensed(hour)),
                "previousHourLicensed": status(licensed(hour - timedelta(hours=1))),
            }
        )
    )


if __name__ == "__main__":
    main()
