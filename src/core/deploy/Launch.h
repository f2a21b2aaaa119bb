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
// A host's runner folder in folder: runner.sh, one start script per attempt, the retries file, then the queue
// (and each handed-over condition's provenance.json here); returns the announcements: each attempt's docker run.
ResultOf<QStringList> writeRunnerFolder(const DeployContext& ctx, const Facts& facts, const QString& address,
                                        const QString& folder);
// Names this deployment to its runners: claims of another one are not this one's.
QString deploymentId(const DeploymentState& state);

} // namespace Launch
