// SPDX-License-Identifier: MIT
#pragma once

#include "Command.h"
#include "Docker.h"
#include "Result.h"
#include "deploy/DeployContext.h"
#include "deploy/Provenance.h"

#include <QHash>

// deploy's pure launch functions: what a new deployment's state is, the docker run of each condition, its
// start script, a host's runner folder (queue, retries, one start script per attempt) and each condition's
// provenance. They read a DeployContext and write files only where told: no engine, no host, no network,
// so a test calls them as they are (tests/deploy/TestLaunch.cpp).
namespace Launch {

// What deploy learnt of the image on its way, for the hand-over.
struct Facts
{
    QHash<QString, QStringList> imageCommands; // by host address: the image's own ENTRYPOINT and CMD
    Provenance::ImageFacts image; // of the image built here (and pushed)
    QHash<QString, QString> hostImageIds; // by address: the ID on hosts that build it themselves
};

// The registry (remote backends: parameters.json's, else the settings') and the image reference from it.
void setImage(DeploymentState& state, const Parameters& params, bool remote, const QString& commit);
// The state a new deployment of this commit starts with: its experiment, commit, image (and registry) and
// every condition queued.
DeploymentState newState(const Parameters& params, const QString& backend, bool remote, const QString& commit,
                         bool dirty);
// Not started, not ended, not terminated: a deploy (run again) hands it to its host.
bool toHandOver(const DeploymentState::Condition& c);
// The docker run of one condition on a host: the one place its image, mounts, wrapper, labels, GPUs and
// arguments (or $OPTIONS and the image's own command) are decided.
Docker::RunSpec runSpec(const DeployContext& ctx, const DeploymentState::Condition& c,
                        const DeploymentState::Host& host, bool remote, const QString& image,
                        const QStringList& imageCommand);
// Logistician is at work on the host though no container runs yet (an aws machine's idle stop counts it).
Command touchActivity(const DeployContext& ctx, const DeploymentState::Host& host);
// The deploy-time part of a condition's provenance.json, with the docker run it is handed over with.
Provenance::Record provenance(const DeployContext& ctx, const Facts& facts, const DeploymentState::Condition& c,
                              const DeploymentState::Host& host, const Docker::RunSpec& spec);
// The start script of one attempt of a condition: its folder made first, then its docker run, then its output
// followed into logs/output.txt on the host while it runs. announcement: "… will run: …", when asked for.
QByteArray startScript(const DeployContext& ctx, const DeploymentState::Host& host, const DeploymentState::Condition& c,
                       const QStringList& imageCommand, QString* announcement = nullptr);
// One condition's files: its local data folder's config (attempt 1's deployment.json and commit.txt) and its
// stage folder (options.env; remote: the run wrapper and the data folder to upload, wrapper is run.sh).
Result writeConditionFiles(const DeployContext& ctx, const DeploymentState::Condition& c, const QByteArray& wrapper);
// The positions of the conditions a host's runner has in its queue (not terminated), in the queue's order.
QList<int> runnerConditions(const DeploymentState& state, const QString& address);
// A runner folder's own files: runner.sh, the retries file and the queue (every condition of the host in it).
// publisher: a process that goes on publishing conditions (publishCondition) once the runner runs, named in the
// folder's "publishing" file (written before the queue); while it lives and that file is there, the runner waits
// for a line whose start script is not there yet. 0: every condition is published already.
Result writeRunnerFiles(const DeployContext& ctx, const QString& address, const QString& folder, qint64 publisher);
// One condition's share of a runner folder (the position in ctx.state): local, when handed over, its data
// folder's files (writeConditionFiles) and provenance.json; each attempt's start script (and upload script), the
// current attempt's last; returns the announcements (each attempt's docker run). Each file is renamed into place whole,
// so once that script is there everything the runner starts it with is: the runner starts no line before
// (templates/remote/runner.sh).
ResultOf<QStringList> publishCondition(const DeployContext& ctx, const Facts& facts, const QString& address,
                                       int position, const QString& folder);
// A host's whole runner folder in folder: every condition published, then the runner's files (the queue last);
// returns the announcements: each attempt's docker run.
ResultOf<QStringList> writeRunnerFolder(const DeployContext& ctx, const Facts& facts, const QString& address,
                                        const QString& folder);
// Names this deployment to its runners: claims of another one are not this one's.
QString deploymentId(const DeploymentState& state);

} // namespace Launch
