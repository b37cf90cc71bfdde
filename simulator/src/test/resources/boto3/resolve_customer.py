"""Redeems registration tokens with boto3's ResolveCustomer against the hourmeter simulator.

Called by Boto3ResolveCustomerTest with one argument, a JSON object: endpoint, accessKeyId, and
tokens, a map of name -> registration token. Prints one JSON object: per name what boto3 answered
(its parsed fields, or the error code, HTTP status and whether boto3 raised its modeled exception),
and whether boto3's model has LicenseArn and Metadata. Uses only boto3 and the standard library.
"""

import json
import sys

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
    output = metering.meta.service_model.operation_model("ResolveCustomer").output_shape.members
    out = {
        "boto3": boto3.__version__,
        "botocore": botocore.__version__,
        "modelHasLicenseArn": "LicenseArn" in output,
        "modelHasMetadata": "Metadata" in output,
    }
    modeled = {
        "InvalidTokenException": metering.exceptions.InvalidTokenException,
        "ExpiredTokenException": metering.exceptions.ExpiredTokenException,
    }
    for name, token in cfg["tokens"].items():
        try:
            answer = metering.resolve_customer(RegistrationToken=token)
            answer.pop("ResponseMetadata", None)
            out[name] = {"answer": answer}
        except ClientError as e:
            code = e.response["Error"]["Code"]
            out[name] = {
                "code": code,
                "httpStatus": e.response["ResponseMetadata"]["HTTPStatusCode"],
                "message": e.response["Error"].get("Message", ""),
                "modeledException": code in modeled and isinstance(e, modeled[code]),
            }
    print(json.dumps(out))


if __name__ == "__main__":
    main()
