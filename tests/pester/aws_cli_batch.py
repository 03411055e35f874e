"""Runs several AWS CLI v2 commands in one Python process and prints their results as one JSON array.

Each `aws` start loads Python and the CLI (seconds on a busy machine); reading back many users one process per call
made the Pester suite slow. This builds the CLI's driver (awscli.clidriver, what /usr/bin/aws runs) once and runs each
command through it, with its stdout and stderr captured: about 0.01 s of CPU per command instead of a second or more.
Input (stdin): a JSON array of argument lists, each without 'aws'.
Output (stdout): a JSON array of {"ExitCode", "StdOut", "StdErr"}, one per command, in order.
"""
import io
import json
import sys

import awscli.clidriver


def run(driver, arguments):
    real_stdout, real_stderr = sys.stdout, sys.stderr
    out, err = io.StringIO(), io.StringIO()
    sys.stdout, sys.stderr = out, err
    try:
        code = driver.main(arguments)
    except SystemExit as exit_:
        code = exit_.code if isinstance(exit_.code, int) else 1
    finally:
        sys.stdout, sys.stderr = real_stdout, real_stderr
    return {"ExitCode": code, "StdOut": out.getvalue(), "StdErr": err.getvalue()}


def main():
    commands = json.load(sys.stdin)
    driver = awscli.clidriver.create_clidriver()
    json.dump([run(driver, arguments) for arguments in commands], sys.stdout)


if __name__ == "__main__":
    main()
