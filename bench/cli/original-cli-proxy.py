#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Start-up proxy for the original Logistician's `--help` (bench/cli/startup.sh).

Not the original tool, whose source is not here: a click group with its eight
verbs and their options as its README documents them, importing click, json,
subprocess and os, as a click tool of its kind does at start. The verbs do
nothing; only `--help` is timed, that is Python's start-up, those imports and
click's help. The original loaded its own modules on top, so this is a lower
bound for its start-up.
"""
import json  # noqa: F401  (imported for their start-up cost)
import os  # noqa: F401
import subprocess  # noqa: F401

import click


@click.group()
def cli():
    """Run computational experiments in Docker, locally and on AWS."""


@cli.command()
@click.argument("path", default=".")
@click.option("-o", "--options", default="", help="The condition, passed as OPTIONS.")
@click.option("--data_readonly", default=None, help="Mount DIR read-only at /data.")
@click.option("--clone/--no-clone", default=False, help="Let the container clone the remote.")
def run(path, options, data_readonly, clone):
    """Build the image and run the experiment locally."""


@cli.command()
@click.argument("path", default=".")
@click.option("--volume/--no-volume", default=True, help="Mount the Git top level at /project.")
def shell(path, volume):
    """Build the image and open a shell in it."""


@cli.command()
@click.argument("path", required=False)
@click.option("--base", default=None, help="Copy another experiment's files.")
def create(path, base):
    """Create an experiment from the template."""


@cli.command()
def setup():
    """Store the Docker Hub and AWS credentials and make the SSH key."""


@cli.command()
@click.argument("path", default=".")
def deploy(path):
    """Build, push and start one machine per condition on AWS."""


@cli.command()
@click.argument("path", default=".")
def status(path):
    """Show the Terraform state."""


@cli.command()
@click.argument("path", default=".")
def sync(path):
    """Fetch every machine's data with rsync."""


@cli.command()
@click.argument("path", default=".")
def terminate(path):
    """Destroy the machines."""


if __name__ == "__main__":
    cli()
