// SPDX-License-Identifier: MIT
#pragma once

#include "Result.h"

#include <QDateTime>
#include <QJsonObject>
#include <QList>
#include <QString>
#include <QStringList>

// What Logistician knows about one deployment of an experiment, kept in
// .logistician/deployment.json and rewritten atomically after every change, so
// status, sync and terminate (and a deploy that is run again) can go on after
// the deploying process died. machines.txt ("IP, condition" per line) is
// written beside it for the original tool's users.
class DeploymentState
{
public:
    static constexpr const char* FileName = "deployment.json";

    // Where a condition is. The order matters only for display.
    enum class Phase
    {
        Queued,
        Provisioning,
        Booting,
        Uploading,
        Building,
        Running,
        Succeeded,
        Failed,
        Unreachable,
        Stopped,
        Terminated,
        Preempted, // its spot machine was taken back by AWS (the instance is gone): run it again
    };

    // What a host is doing; stored in deployment.json by hostPhaseName (same strings as before the enum).
    enum class HostPhase
    {
        New, // not contacted yet: "" in deployment.json
        Booting,
        Building,
        Ready,
        Unreachable,
        Released, // aws: destroyed with its condition; nothing is run there again
    };

    struct Host
    {
        QString address; // user@host[:port] for ssh; "local" for the local engine
        QString id; // the cloud instance id (aws); empty otherwise
        QString home; // the login user's home on the host, learnt on first contact
        HostPhase phase = HostPhase::New;
        QString message; // why it is unreachable
        QDateTime upSince; // aws: when the machine was made (its billing starts); invalid for local and ssh
        QDateTime downAt; // aws: when it was destroyed
        // Since when it has not answered a status round; invalid while it answers. Bounds how long a condition
        // waiting there may stay queued (DeployContext::markUnreachable).
        QDateTime unreachableSince;
        static Host at(const QString& address, const QString& home = QString())
        {
            Host h;
            h.address = address;
            h.home = home;
            return h;
        }
        QString user() const;
        QString hostName() const;
        int port() const; // 22 when not given
    };

    struct Condition
    {
        int index = 0; // 1-based, in the order of Parameters::allConditions()
        QString text; // the condition as written in parameters.json
        QStringList arguments; // text split with shell word rules
        QString slug; // c1-lr-0.1: folder, container and Terraform key
        QString host; // Host::address it runs on; empty while queued
        Phase phase = Phase::Queued;
        Phase lastRunPhase = Phase::Queued; // what was last seen before unreachable/stopped
        int exitCode = -1;
        QDateTime startedAt;
        QDateTime finishedAt;
        QDateTime syncedAt; // when a sync completed after the condition had finished
        // terminate removed its containers (and on a remote host its folders): nothing of it is asked for or
        // cleaned up again. Its phase still says how it ended; Terminated only for one stopped before it ended.
        bool terminated = false;
        bool isTerminated() const { return terminated || phase == Phase::Terminated; }
        // terminate is done with it: one that ended keeps its phase (succeeded, failed; one last seen so before its
        // host stopped answering gets it back), one that had not ended becomes Terminated.
        void markTerminated();
        // Runs of this condition, 1-based: a rerun (deploy --rerun) or a retry (max_retries) is a new attempt
        // with a folder and container of its own; the earlier ones are kept.
        int attempt = 1;
        int lastAttempt = 1; // the last attempt its runner may start by itself (attempt + max_retries)
        // The one place that names an attempt: its runner key and container suffix ("c2-x", then "c2-x-a2")
        // and its folder inside the condition's data folder ("" for attempt 1, then "attempt-2").
        QString attemptKey(int n) const;
        // Queued again, with nothing of the run before (a rerun, a retry, a resubmitted slurm task).
        void queueAgain();
        static QString attemptFolder(int n);
        // Attempt n's logs folder relative to the condition's data folder: "logs", then "attempt-2/logs".
        static QString logsFolder(int n);
        // slurm: the array task ("JOBID_TASK"), its scheduler state (PENDING, RUNNING, TIMEOUT, ...) and the
        // reason it waits or ended (Priority, JobArrayTaskLimit, ...); empty on the other backends.
        QString job;
        QString schedulerState;
        QString schedulerReason;
        // aws: why it got no machine (a fleet launched fewer machines than asked for); it stays queued, not
        // started. Empty otherwise.
        QString launchProblem;
        // With a results store: the attempt key whose upload marker (PREFIX/uploaded/SLUG/KEY) a status round or a
        // sync last saw; empty when none was seen. Uploaded is not synced: the results are in the store, not here.
        QString uploadedKey;
        bool isUploaded() const { return !uploadedKey.isEmpty() && uploadedKey == attemptKey(attempt); }
        // With a results store: the bytes of its objects there (its folder and upload markers), as the last sync
        // listed them; 0 before. What its storage costs (SweepSummary).
        qint64 storeBytes = 0;
        bool isFinished() const { return phase == Phase::Succeeded || phase == Phase::Failed; }
        // Finished, and its results synced since.
        bool resultsSafe() const;
    };

    QString experiment;
    QString backend; // local, ssh, aws
    QString commit;
    bool dirty = false;
    QString image; // the image reference containers run
    QString registry; // empty: built on each host
    // With a results store: its address (s3://BUCKET/PREFIX), as the last status round or sync read it; empty
    // without one.
    QString resultsStore;
    // With a results store, what it holds of a condition whose run ended and is not synced here: "uploaded" (its
    // current attempt's marker seen) or "upload not finished"; empty otherwise (no store, still running, synced).
    QString uploadState(const Condition& c) const;
    QDateTime createdAt;
    bool provisioned = false; // aws: terraform apply completed
    bool provisionStarted = false; // aws: terraform apply was started (destroy needed)
    bool terminated = false;
    QStringList jobs; // slurm: the job IDs submitted (the array, then each rerun)
    QDateTime storeDeletedAt; // terminate --delete-store deleted the results store's objects: storage ends here
    QList<Host> hosts;
    QList<Condition> conditions;

    static QString phaseName(Phase phase);
    static Phase phaseFromName(const QString& name);
    static bool isTerminal(Phase phase);
    static QString hostPhaseName(HostPhase phase); // "ready"; "" for New
    static HostPhase hostPhaseFromName(const QString& name); // New for "" and unknown names

    // A name usable as folder, container name suffix and Terraform key: "c" + index + "-" + the
    // condition's letters, digits, '.', '_' reduced to [a-z0-9.-], at most 48 characters.
    static QString slugFor(int index, const QString& condition);

    // The name of a condition's container: "logistician-EXPERIMENT-KEY" (Condition::attemptKey; attempt 0: its
    // current attempt). DeployContext names containers by it; `list` finds an orphan's by it.
    QString containerName(const Condition& condition, int attempt = 0) const;

    Host* host(const QString& address);
    const Host* host(const QString& address) const;
    QList<int> conditionsOn(const QString& address) const; // indexes into conditions
    // A condition is still to run or running: `deploy --wait` and `status --watch` go on looking.
    bool stillGoing() const;

    QJsonObject toJson() const;
    static DeploymentState fromJson(const QJsonObject& json);

    // stateDir/deployment.json, written atomically, and sealed (StateSeal) as this user's.
    Result save(const QString& stateDir) const;
    // Where a state folder is: a project's .logistician (anyone's until its seal says it is this user's),
    // or a folder of this user's own (the per-user index's copies).
    enum class Trust
    {
        Sealed,
        Own,
    };
    // NotFound when there is no deployment, or when a project's state is not sealed as this user's (it came
    // with a clone: ignored, with a warning); BadInput when the file is unreadable or a value breaks a rule.
    static ResultOf<DeploymentState> load(const QString& stateDir, Trust trust = Trust::Sealed);
    // "IP, condition" per line, for the original tool's users.
    Result writeMachinesFile(const QString& path) const;
};
