// SPDX-License-Identifier: MIT
#pragma once

#include "deploy/Backend.h"

#include <QTemporaryDir>
#include <memory>

namespace Terraform {
struct FleetMachines;
}

// EC2 instances that Terraform makes, stops, starts and removes: one per condition, or aws_machines of them
// launched by one EC2 Fleet request, the conditions spread over them.
class AwsBackend : public Backend
{
    Q_OBJECT
public:
    using Backend::Backend;
    static BackendTraits describe();
    BackendTraits traits() const override { return describe(); }
    // The on-demand price of templates/aws/prices.json (place: the region, machine: the instance type).
    static MachinePrice machinePriceAt(const QString& region, const QString& instanceType);
    // parameters.json's region and instance type, else those stored by setup, and their price.
    static MachinePrice machinePriceFor(const Parameters& parameters);
    // S3 Standard storage in the machines' region, per GiB-month (templates/aws/prices.json's dated table).
    static MachinePrice storagePriceFor(const Parameters& parameters);
    static MachineInventory* makeInventory(QObject* parent);
    bool preassignsHosts() const override { return true; }
    // One condition at a time on a machine of its own; max_parallel where aws_machines shares the machines.
    int slotsPerHost() const override;
    // The machines a sweep of conditionCount conditions gets: aws_machines, at most one per condition.
    int machineCount(int conditionCount) const;
    void describeMachines(DeployPlan* plan) const override;
    Result check(const DeployOptions& options) const override;
    QString planSummary(int conditionCount, const DeployOptions& options) const override;
    void provision(DeploymentState* state, const DeployOptions& options, Done done) override;
    void release(DeploymentState* state, Done done) override;
    void releaseConditions(DeploymentState* state, const QList<int>& positions, Done done) override;
    void interrupt(std::function<void()> done) override;
    int bootAttempts() const override;
    // Short: a machine that answers is handed over at once (the wait is counted in attempts, bootAttempts).
    int bootRetryMs(int attempt) const override;
    QString bootstrapMark() const override;
    void wake(DeploymentState* state, const QSet<int>& positions, Woken then) override;
    void sleep(DeploymentState* state, const QStringList& slugs, Done done) override;
    void explainUnreachable(DeploymentState* state, std::function<void(const QList<int>&)> then) override;
    // What EC2 says (instance state by condition slug; missing: dropped by the refresh, so terminated) of the
    // machines of these unreachable conditions: a terminated one's condition is preempted (spot) or lost (on
    // demand), both Phase::Preempted: run again on a new machine within max_retries. Returns the positions changed.
    QList<int> explainGone(DeploymentState* state, const QStringList& slugs,
                           const QMap<QString, QString>& instanceStates, bool spot);

    QString terraformDir() const;
    QString sshCidr(const DeployOptions& options) const;
    QStringList warnings(const DeployOptions& options) const override;
    // The configuration for these conditions, with nothing written: what provision applies and a dry run plans.
    ResultOf<QJsonObject> configuration(const DeploymentState& state, const DeployOptions& options) const;
    // deploy --dry-run: terraform init, validate and plan of the configuration in a scratch folder (AwsPreview).
    void previewMachines(const DeploymentState& state, const DeployOptions& options, QStringList* lines,
                         Done done) override;
    // Which parameters.json key a Terraform error is about, where it can be told; empty otherwise.
    static QString keyForTerraformError(const QString& message);
    // The AWS keys from the keychain or the environment, in terraform's environment only.
    void withCredentials(std::function<void(const QMap<QString, QString>&, const QString&)> then);

private:
    static constexpr int FastBootAttempts = 10; // (5 s) then BootRetryMs apart
    static constexpr int FastBootRetryMs = 500;
    static constexpr int BootRetryMs = 2000;
    // From `terraform output -json` (and the fleet layout's configuration after its launch, see
    // Terraform::parseOutput): each condition's machine becomes its host; provisioned.
    void adopt(DeploymentState* state, const QByteArray& out, const QString& user, Done done,
               const QJsonObject& configuration = {});
    // The fleet layout's machines and launch waves as the configuration applied last has them; firstLaunch: it
    // has no fleet yet.
    Terraform::FleetMachines appliedMachines(const DeploymentState& state, bool* firstLaunch) const;
    // After the fleet's apply: the machines it launched get their conditions (Terraform::spread), those of a
    // machine not launched say why (launchProblem), each at the address the same apply looked up (the lookups of
    // the fleet's machines, Terraform::fleetMachineLookups). Not at the fleet's own launch (firstLaunch): the
    // machines it did not give, and those lost since, whose conditions wait to be handed over, are launched first
    // by a fleet of their own (a launch wave, m_waves: relaunchMachines, launchWave).
    void launchedMachines(DeploymentState* state, const DeployOptions& options, const QMap<QString, QString>& env,
                          const QString& user, bool firstLaunch, Done done);
    // After a later apply (out: its `terraform output -json`): the machines lost or never launched whose
    // conditions wait (ids: each machine's instance, as kept before) get a launch wave; then adoptMachines.
    void relaunchMachines(DeploymentState* state, const DeployOptions& options, const QMap<QString, QString>& env,
                          const QString& user, const QByteArray& out, QStringList ids, Done done);
    // Launches the machines of `wave` (1-based) by a fleet of their own, reads what it gave, then adoptMachines.
    void launchWave(DeploymentState* state, const DeployOptions& options, const QMap<QString, QString>& env,
                    const QString& user, const QStringList& ids, const QList<int>& wave, Done done);
    // After the wave's apply (out: its output): each machine it gave gets its instance, then adoptMachines.
    void readWave(DeploymentState* state, const DeployOptions& options, const QString& user, const QByteArray& out,
                  QStringList ids, const QList<int>& wave, Done done);
    // The wave's apply failed (message): the wave is dropped, its machines not launched, and another apply looks
    // the machines up, then adoptMachines.
    void waveFailed(DeploymentState* state, const DeployOptions& options, const QMap<QString, QString>& env,
                    const QString& user, const QStringList& ids, const QList<int>& wave, const QString& message,
                    Done done);
    // The configuration with each machine's instance (ids, by machine; Terraform::withMachines), saved.
    ResultOf<QJsonObject> saveMachines(const DeploymentState& state, const DeployOptions& options,
                                       const QStringList& ids);
    // Each condition to its machine (pinned: as saveMachines saved it; out: the output of the apply that looked
    // the machines up), those of a machine not launched saying why (notLaunched: machine index -> why).
    void adoptMachines(DeploymentState* state, const QString& user, const QByteArray& out, const QJsonObject& pinned,
                       const QMap<int, QString>& notLaunched, Done done);
    QString terraformRejected(const QString& step, const QString& message) const;
    void runPreviewTerraform(const QStringList& args, const QMap<QString, QString>& env,
                             std::function<void(const struct CommandOutcome&)> then);
    void runTerraform(const QStringList& args, const QMap<QString, QString>& env,
                      std::function<void(int, const QByteArray&, const QString&)> then);
    // What `terraform output -json` prints, read from the state the last apply or refresh wrote; then as
    // runTerraform's.
    void readOutputs(std::function<void(int, const QByteArray&, const QString&)> then);
    // Each condition's instance state as EC2 says now (a refresh-only apply, then show -json): slug -> "running",
    // "stopped", ...; a slug not there has no instance any more. error non-empty when that could not be read.
    void instanceStates(const QMap<QString, QString>& env,
                        std::function<void(const QMap<QString, QString>&, const QString& error)> then);
    // Applies the saved configuration with these machines' power states (slug -> "running" or "stopped").
    void applyPower(const QMap<QString, QString>& env, const QMap<QString, QString>& states, Done done);
    // A started machine may have a new public address: the hosts of these slugs follow terraform output.
    void readdress(DeploymentState* state, const QMap<QString, QString>& env, const QStringList& slugs, Done done);
    // Waits until the hosts of these slugs answer over ssh (bootAttempts), then done.
    void waitForSsh(const DeploymentState* state, const QStringList& slugs, int attempt, Done done);
    // Removes the keys of these (destroyed or brand-new) machines from the experiment's known_hosts.
    void forgetHostKeys(const QList<DeploymentState::Host>& hosts);

    std::unique_ptr<QTemporaryDir> m_previewScratch; // a preview's configuration, gone when it ends
    QList<QList<int>> m_waves; // the fleet layout's launch waves after the first (Terraform::Settings::waves)
};
