"""Translates template.yaml (AWS SAM) into plain CloudFormation, as `sam deploy` would.

Usage: python3 translate.py TEMPLATE BUCKET KEY REGION < parameters.json > translated.json

The function code location is given as an S3 object (the template's CodeUri is the local
folder `dist`, which `sam deploy` would upload itself). parameters.json maps parameter names
to the values the stack is created with; the translator needs them to resolve the few
properties it evaluates, and the template's defaults fill in the rest.

The template must use inline policies only: no managed policy names are resolved here (that
would need IAM), so any name the translator would look up is an error.
"""

import json
import os
import sys

from samtranslator.model.exceptions import InvalidDocumentException
from samtranslator.public.translator import ManagedPolicyLoader
from samtranslator.translator.transform import transform
from samtranslator.yaml_helper import yaml_parse


class NoManagedPolicies(ManagedPolicyLoader):
    """Refuses lookups: the template is meant to need none."""

    def __init__(self) -> None:
        pass

    def load(self) -> dict:
        raise RuntimeError("template.yaml names a managed policy; use inline policies instead")


def main() -> int:
    template_path, bucket, key, region = sys.argv[1:5]
    # The translator asks a boto3 session for the region; no credentials or network needed.
    os.environ["AWS_DEFAULT_REGION"] = region
    with open(template_path, encoding="utf-8") as handle:
        template = yaml_parse(handle.read())
    template.setdefault("Globals", {}).setdefault("Function", {})["CodeUri"] = {
        "Bucket": bucket,
        "Key": key,
    }
    parameters = json.load(sys.stdin)
    parameters.setdefault("AWS::Region", region)
    parameters.setdefault("AWS::Partition", "aws")
    parameters.setdefault("AWS::AccountId", "123456789012")
    parameters.setdefault("AWS::StackName", "lambda-scheduler")
    parameters.setdefault("AWS::URLSuffix", "amazonaws.com")
    try:
        translated = transform(template, parameters, NoManagedPolicies())
    except InvalidDocumentException as error:
        for cause in error.causes:
            print(f"template.yaml: {cause.message}", file=sys.stderr)
        return 1
    json.dump(translated, sys.stdout, indent=1, sort_keys=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
