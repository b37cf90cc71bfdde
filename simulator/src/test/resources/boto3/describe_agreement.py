"""Describes agreements with boto3's marketplace-agreement DescribeAgreement against the simulator.

Called by Boto3DescribeAgreementTest with one argument, a JSON object: endpoint, accessKeyId, and
agreements, a map of name -> agreement id. Prints one JSON object: per name what boto3 answered
(status, initialAgreementId, acceptor and proposer accounts, start and end time as ISO-8601 strings),
or the error code, HTTP status and whether boto3 raised its modeled exception; and the protocol
boto3 chose from the model's list. Uses only boto3 and the standard library.
"""

import json
import sys

import boto3
import botocore
from botocore.config import Config
from botocore.exceptions import ClientError


def iso(value):
    return value.isoformat() if value is not None else None


def main():
    cfg = json.loads(sys.argv[1])
    session = boto3.session.Session(
        aws_access_key_id=cfg["accessKeyId"],
        aws_secret_access_key="dummy-secret",
        region_name="us-east-1",
    )
    config = Config(retries={"total_max_attempts": 1, "mode": "standard"})
    client = session.client("marketplace-agreement", endpoint_url=cfg["endpoint"], config=config)
    model = client.meta.service_model
    out = {
        "boto3": boto3.__version__,
        "botocore": botocore.__version__,
        "protocol": model.resolved_protocol,
        "statuses": model.shape_for("AgreementStatus").enum,
    }
    for name, agreement_id in cfg["agreements"].items():
        try:
            answer = client.describe_agreement(agreementId=agreement_id)
            out[name] = {
                "agreementId": answer.get("agreementId"),
                "status": answer.get("status"),
                "initialAgreementId": answer.get("initialAgreementId"),
                "acceptor": answer.get("acceptor", {}).get("accountId"),
                "proposer": answer.get("proposer", {}).get("accountId"),
                "startTime": iso(answer.get("startTime")),
                "endTime": iso(answer.get("endTime")),
                "agreementType": answer.get("agreementType"),
                "offerId": answer.get("proposalSummary", {}).get("offerId"),
            }
        except ClientError as e:
            code = e.response["Error"]["Code"]
            out[name] = {
                "code": code,
                "httpStatus": e.response["ResponseMetadata"]["HTTPStatusCode"],
                "modeledException": code == "ResourceNotFoundException"
                and isinstance(e, client.exceptions.ResourceNotFoundException),
            }
    print(json.dumps(out))


if __name__ == "__main__":
    main()
