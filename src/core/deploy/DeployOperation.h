// SPDX-License-Identifier: MIT
#pragma once

#include "Docker.h"
#include "Result.h"
#include "deploy/DeployContext.h"
#include "deploy/DeployPlan.h"
#include "deploy/Launch.h"
#include "deploy/Provenance.h"

#include <QFutureWatcher>
#include <QHash>
#include <functional>
#include <memory>

// deploy, as named steps each starting the next: the Git checks and the export of the pinned commit
// (on a worker thread, so the caller's event loop keeps turning), the files of each condition, the
// image (built, pushed), the machines, each host made ready, then each host's share handed to a runner
// started detached on it (templates/remote/runner.sh), which starts them under max_parallel. It ends
// by calling done once, as soon as every runner is started: killing this process changes nothing there.
class DeployOperation : public QObject
{
    Q_OBJECT
public:
    using Done = std::function<void(const Result&)>;

    static DeployPlan plan(const DeployContext& ctx, const DeployOptions& options);
    // The state a new deployment of this commit starts with: its experiment, commit, image (and registry) and
    // every condition queued. deploy goes on from it; the preview names containers, labels and folders by it.
    static DeploymentState newState(const Parameters& params, const QString& backend, bool remote,
                                    const QString& commit, bool dirty)
    {
        return Launch::newState(params, backend, remote, commit, dirty);
    }
    // Not started, not ended, not terminated: a deploy (run again) hands it to its host.
    static bool toHandOver(const DeploymentState::Condition& c) { return Launch::toHandOver(c); }
    // The docker run of one condition on a host: the one place its image, mounts, wrapper, labels,
    // GPUs and arguments (or $OPTIONS and the image's own command) are decided; deploy and its preview use it.
    static Docker::RunSpec runSpec(const DeployContext& ctx, const DeploymentState::Condition& condition,
                                   const DeploymentState::Host& host, bool remote, const QString& image,
                                   const QStringList& imageCommand)
    {
        return Launch::runSpec(ctx, condition, host, remote, image, imageCommand);
    }

    // Parented to ctx.work: it goes, and stops, with the operation.
    DeployOperation(DeployContext& ctx, const DeployOptions& options, const DeployPlan& plan, Done done);
    ~DeployOperation() override;
    // The start script of one attempt of a condition: its folder made first, then its docker run, then its
    // output followed into logs/output.txt on the host while it runs.
    QByteArray startScript(const DeploymentState::Host& host, const DeploymentState::Condition& c,
                           const QString& address, bool announce) const;
    // The image facts learnt so far, for the launch functions.
    Launch::Facts facts() const { return { m_imageCommands, m_image, m_hostImageIds }; }
    void start();

private:
    // What the worker thread learns from Git.
    struct GitFacts
    {
        QString error;
        bool noCommit = false;
        QString workdir;
        QString commit;
        bool dirty = false;
    };
    static GitFacts probeGit(const QString& dir);
    // The pinned commit's files, exported once into codeDir; an error text, empty when done.
    static QString exportCode(const QString& experimentDir, bool originalStyle, const QString& subPath,
                              const QString& commit, const QString& codeDir);

    void end(const Result& result);
    void onGitProbed(const GitFacts& facts);
    void setUpState(const GitFacts& facts);
    void onCodeExported(const QString& error);
    Result writeConditionFiles();
    void buildImage();
    void pushImage();
    void loginAndPush(const QString& password);
    void provision();
    void onProvisioned(const Result& provisioned);
    void prepareHosts();
    void prepareHost(int hostIndex, int attempt, JobPool::Done done);
    void onFirstContact(int hostIndex, int attempt, const CommandOutcome& o, JobPool::Done done);
    // OtherCommits: nothing of another commit on the host (never adopted), else the deploy ends with bad input.
    void checkOtherCommits(int hostIndex, JobPool::Done done);
    void getImageOnHost(int hostIndex, JobPool::Done done);
    void hostFailed(const QString& address, const CommandOutcome& o, const QString& what, JobPool::Done done);
    // docker login and pull on the host, the credential in a folder of their own that goes when they end.
    Command registryPull(const DeploymentState::Host& host) const;
    // Each ready host gets its share: the conditions' files uploaded, its runner folder (queue, one start
    // script per condition) written and uploaded, and its runner started detached; then deploy ends.
    void statusThenHandOver();
    void handOver();
    QStringList readyHosts() const; // their addresses
    // Condition i in this hand-over: queued for its host if that is ready, else not handed over (and why).
    void markForHandOver(int i, const QStringList& ready);
    // Machines of their own (aws), none contacted before this deploy: nothing runs there yet, so each is handed
    // its share as soon as it is ready, not once the slowest has booted; then those left (no machine) are marked.
    bool handsOverEachWhenReady() const;
    void handOverHost(const QString& address, JobPool::Done done);
    void markLeftOver();
    void uploadConditions(const QString& address, JobPool::Done done);
    // Original style: the image's own ENTRYPOINT and CMD on that host, for the run wrapper to run.
    void lookUpImageCommand(const QString& address, JobPool::Done done);
    Result writeRunnerFolder(const QString& address, const QString& folder) const;
    // The image built here: its ID and, once pushed, its digest, for each condition's provenance.
    void inspectThenProvision();
    void startRunner(const QString& address, JobPool::Done done);
    // start-runner.sh on the host; then gets an empty text, or why the runner did not start.
    void startRunnerScript(const DeploymentState::Host& host, const QString& text,
                           std::function<void(const QString&)> then);
    // A local hand-over: the runner's queue, the first conditions (one per slot), the runner started, then the
    // other conditions published in slices while it runs the first (Launch::publishCondition).
    struct Publication
    {
        QString address;
        QString folder; // the runner's
        QList<int> positions; // Launch::runnerConditions, in the queue's order
        QString text; // start-runner.sh
        JobPool::Done done;
        int next = 0; // the first position not published yet
        int handed = 0; // how many of those published were handed over (not started before)
        bool started = false; // start-runner.sh asked for
        QString failed; // why publishing stopped
        QString runnerFailed; // why the runner did not start
    };
    void publishAndStart(const QString& address, const QString& folder, const QString& text, JobPool::Done done);
    void publishSome(const std::shared_ptr<Publication>& p);
    // Publishing ended (everything published, or p->failed): the runner waits for nothing more; then done.
    void endPublication(const std::shared_ptr<Publication>& p);
    // Removes the runners' "publishing" files: they wait for no more conditions from this deploy.
    void stopPublishing();
    // The backend's own hand-over of the host's conditions (Backend::handOver); false: a runner starts them.
    bool handOverByBackend(const DeploymentState::Host& host, JobPool::Done done);
    void handOverFailed(const QString& address, const QString& why, JobPool::Done done);
    void finishDeploy();

    DeployContext& m_ctx;
    DeployOptions m_options;
    DeployPlan m_plan;
    Done m_done;
    bool m_ended = false;
    QString m_registryUser;
    QString m_registryPassword;
    QHash<QString, QStringList> m_imageCommands; // by host address
    Provenance::ImageFacts m_image; // of the image built here (and pushed)
    QHash<QString, QString> m_hostImageIds; // by address: the ID on hosts that build it themselves
    QStringList m_problems;
    QStringList m_otherCommits; // hosts with containers of another commit: deploy refuses (exit 2)
    QStringList m_handedTo; // hosts whose runner runs (started, or alive from before)
    QStringList m_notHandedOver; // slugs
    QSet<int> m_handing; // positions this deploy hands over (new, queued still, or rerun): what it reports
    bool m_eachWhenReady = false; // handsOverEachWhenReady, decided before the first contact
    QStringList m_publishing; // the runners' "publishing" files this deploy wrote and has not removed yet
    QFutureWatcher<GitFacts> m_probe;
    QFutureWatcher<QString> m_export;
};
