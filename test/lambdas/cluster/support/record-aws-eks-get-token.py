"""Records `aws eks get-token` output for a fixed signing time and fake credentials.

Run from the repository root:
  python3 test/lambdas/cluster/support/record-aws-eks-get-token.py > test/lambdas/cluster/fixtures/aws-eks-get-token.json

It runs the installed AWS CLI v1 in-process with botocore's and the CLI's clocks pinned, so the
presigned STS URL (and therefore the token) is reproducible. The credentials are the documented
SigV4 example values, not real ones.
"""
import datetime
import io
import json
import os
import sys
from contextlib import redirect_stdout

FIXED = datetime.datetime(2026, 5, 4, 12, 30, 0)
CLUSTER = "fluxguard-dev"
REGION = "eu-west-1"

os.environ.update(
    {
        "AWS_ACCESS_KEY_ID": "AKIDEXAMPLE",
        "AWS_SECRET_ACCESS_KEY": "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY",
        "AWS_CONFIG_FILE": "/dev/null",
        "AWS_SHARED_CREDENTIALS_FILE": "/dev/null",
    }
)
os.environ.pop("AWS_SESSION_TOKEN", None)
os.environ.pop("AWS_PROFILE", None)
os.environ.pop("KUBERNETES_EXEC_INFO", None)

import awscli.clidriver  # noqa: E402
import awscli.customizations.eks.get_token as get_token  # noqa: E402
import botocore  # noqa: E402
import botocore.auth  # noqa: E402

botocore.auth.get_current_datetime = lambda remove_tzinfo=True: FIXED
get_token.get_current_datetime = lambda remove_tzinfo=True: FIXED

out = io.StringIO()
with redirect_stdout(out):
    code = awscli.clidriver.create_clidriver().main(
        ["eks", "get-token", "--cluster-name", CLUSTER, "--region", REGION, "--output", "json"]
    )
if code != 0:
    sys.exit(code)
print(
    json.dumps(
        {
            "recordedWith": f"aws-cli (botocore {botocore.__version__}), clock pinned",
            "signingTime": FIXED.strftime("%Y-%m-%dT%H:%M:%SZ"),
            "cluster": CLUSTER,
            "region": REGION,
            "accessKeyId": os.environ["AWS_ACCESS_KEY_ID"],
            "secretAccessKey": os.environ["AWS_SECRET_ACCESS_KEY"],
            "execCredential": json.loads(out.getvalue()),
        },
        indent=2,
    )
)
