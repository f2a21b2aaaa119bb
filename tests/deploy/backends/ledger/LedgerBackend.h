// SPDX-License-Identifier: MIT
#pragma once

#include "deploy/Backend.h"

// A backend made by following ARCHITECTURE.md's "Adding a backend", to show that a backend is its folder and
// one registration line: it runs nothing, it writes each hand-over, status round and stop into a ledger
// file beside the deployment's state, as a scheduler would be told. Its key is in LedgerParameters. Only
// test_backend_plugin has it (tests/deploy/CMakeLists.txt: logistician_add_backends).
class LedgerBackend : public Backend
{
    Q_OBJECT
public:
    using Backend::Backend;
    static BackendTraits describe();
    BackendTraits traits() const override { return describe(); }
    // What status and the board add to a condition's phase: where it is in the ledger.
    static QString conditionDetail(const DeploymentState::Condition& condition);
    Result check(const DeployOptions& options) const override;
    QString planSummary(int conditionCount, const DeployOptions& options) const override;
    void provision(DeploymentState* state, const DeployOptions& options, Done done) override;
    Command command(const DeploymentState::Host& host, const QStringList& argv,
                    const QByteArray& standardInput = QByteArray()) const override;
    Command script(const DeploymentState::Host& host, const QString& text,
                   const QByteArray& standardInput = QByteArray()) const override;

    bool handOver(DeployContext& ctx, const DeploymentState::Host& host, const QList<int>& positions,
                  const QStringList& imageCommand, Done done) override;
    bool statusRound(DeployContext& ctx, std::function<void()> then) override;
    void stopRuns(DeployContext& ctx, bool whole, const QList<int>& positions, Done done) override;

    // The ledger: one line per thing the core asked of this backend.
    QString ledgerPath() const;

private:
    void write(const QString& line) const;
};
