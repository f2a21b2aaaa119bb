// SPDX-License-Identifier: MIT
#pragma once

#include "Result.h"
#include "deploy/DeployContext.h"

#include <functional>

struct TerminateOptions
{
    bool force = false; // even when results are not synced or hosts do not answer
    // Condition::index values (1-based): only these stop, the others keep running and the
    // deployment stays live; empty: the whole deployment.
    QList<int> conditions;
    bool keepImages = false; // whole deployment: the image it built or pulled stays on the hosts and here
    // Whole deployment: every container labelled with the experiment goes, whatever its commit
    // (terminate --experiment: the leftovers of a deployment the index no longer knows).
    bool anyCommit = false;
};

// terminate: stops the hosts' runners first (nothing more starts), then removes the containers and the remote folders
// of some conditions, or of all of them with the whole deployment's leftovers (the image folder, the machines); the
// whole deployment is the same path with every condition chosen.
namespace TerminateOperation {

// The start of the name of the folder a registry login keeps its credential in while one push (here, in the
// user's state folder) or pull (on a host, in ~/logistician) runs. The folder goes when the push or pull ends; one a
// killed deploy left behind is removed by terminate. '@' is in no experiment name: one experiment's prefix
// never matches another's folders.
QString localLoginPrefix(const QString& experiment); // logistician-docker-EXPERIMENT@
// Where those folders are made: this user's state folder (mode 0700), never the shared
// /tmp, where anyone could plant a folder or a symlink with the same name.
QString localLoginFolder();
QString remoteLoginPrefix(const QString& experiment); // .docker-login-EXPERIMENT@

// What is done on one host.
struct HostWork
{
    QString address;
    QString runnerDir; // the host's runner folder
    bool stopRunner = false; // whole deployment: stop-runner.sh runs first, so nothing more starts
    QStringList cancel; // some conditions: slugs the runner must never start (claimed as cancelled)
    QStringList labels; // whole deployment: {experiment, commit or ""}; every container with those labels goes
    // local engine: {container, data folder, logs folder below it[, the runner's claims/KEY/saved]} to save logs first
    QList<QStringList> logs;
    QStringList containers; // removed by name, so one a dead deploy started goes too
    QStringList images; // whole deployment: the image references removed once the containers are gone
    QStringList dirs; // remote folders removed (never those of results not synced)
    QString removeIfEmpty; // whole deployment: the experiment's folder, once nothing is left in it
    QStringList logins; // whole deployment, remote: {folder, prefix} of the login folders a killed pull left
};

struct Plan
{
    bool whole = true;
    QList<int> chosen; // positions in state.conditions that end, in order
    QStringList unsafe; // chosen, started, and their results not synced: "slug (phase)"
    QList<HostWork> hosts;
    QStringList localImages; // whole deployment on remote hosts: the image built here to push
    // Whole deployment, images not kept: also every image on this machine's engine labelled with the
    // experiment (one whose build a killed deploy left running finished after the kill).
    bool labelledImages = false;
};

// What terminating these positions (empty: the whole deployment) does. Pure, for tests.
Plan plan(const DeployContext& ctx, const QSet<int>& selected, const TerminateOptions& options = {});

// The script run on the host for its work (docker: the docker command setting); every value quoted.
QString script(const QString& docker, const HostWork& work);
// templates/remote/stop-runner.sh for the host's runner folder; run before script().
QString stopScript(const HostWork& work);

// Runs the terminate after a status round; done gets the result.
void run(DeployContext& ctx, const TerminateOptions& options, const QSet<int>& selected,
         std::function<void(const Result&)> done);

} // namespace TerminateOperation
