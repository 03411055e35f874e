"""Runs one AWS CLI v2 command with every client it creates pointed at a local endpoint (IAMONBOARD_CLI_ENDPOINT).

The Debian CLI (2.9) predates endpoint_url in the config and AWS_ENDPOINT_URL_*: --endpoint-url reaches only the
command's own client, while the clients its credential providers create (STS for a role profile's AssumeRole, the SSO
portal for an SSO profile) would go to AWS. This gives those clients the local endpoint too, and changes nothing else:
which profile is read, which role is assumed with which credentials, in which order, is the CLI's own (botocore's
AssumeRoleProvider), the behaviour a test compares IamOnboard with. Nothing can leave the machine: no client is left
without the loopback endpoint, and any other address goes to a dead loopback proxy.
Arguments: the command, without 'aws'. Exit code, stdout and stderr: the CLI's.
"""
import os
import sys

import awscli.clidriver
import botocore.session  # after awscli: its import alias makes this the CLI's own botocore, the one the driver uses

_create_client = botocore.session.Session.create_client


def _create_local_client(self, service_name, *args, **kwargs):
    if len(args) < 4 and not kwargs.get("endpoint_url"):  # endpoint_url is the fourth after service_name
        kwargs["endpoint_url"] = os.environ["IAMONBOARD_CLI_ENDPOINT"]
    return _create_client(self, service_name, *args, **kwargs)


if __name__ == "__main__":
    # Belt and braces: a request for anywhere but the loopback endpoint goes to a loopback proxy nothing listens on.
    os.environ["HTTPS_PROXY"] = os.environ["HTTP_PROXY"] = "http://127.0.0.1:9"
    os.environ["NO_PROXY"] = "127.0.0.1,localhost"
    botocore.session.Session.create_client = _create_local_client
    sys.exit(awscli.clidriver.create_clidriver().main(sys.argv[1:]))
