// SPDX-License-Identifier: MIT
#pragma once

#include <QString>

// What a backend is, for the people choosing one and for the front ends: the CLI and the GUI decide by
// these, never by comparing a backend's name. Each backend states its own (its folder under
// deploy/backends/); BackendRegistry hands them out by name.
struct BackendTraits
{
    QString name; // parameters.json's "backend" value
    QString label; // for people: what the deploy dialog and the Settings tab list
    bool remote = true; // reached over ssh; false: this machine's engine
    bool costsMoney = false; // machines rented by the hour: a price is shown, and asked about
    bool hasMachines = false; // makes machines of its own for a deployment (one per condition) and removes them
    bool usesHostList = false; // runs on parameters.json's hosts (user@host[:port])
    bool canStop = false; // its machines stop themselves when idle (auto_stop_minutes), and wake for a sync
    bool needsSshRange = false; // the machines take SSH from one address range (--ssh-cidr, aws_ssh_cidr)
    bool rerunsChosen = true; // deploy --rerun N (chosen conditions); --rerun-failed works everywhere
    bool supportsSpot = false; // spot machines that the provider may take back (preempted)
    bool supportsGpu = true; // gpus in parameters.json reach the container
    bool usesRunner = true; // a runner on each host starts the conditions (templates/remote/runner.sh)
    bool usesAwsKeys = false; // rents with the AWS keys setup keeps, which the results store's AWS CLI uses too
};
