// SPDX-License-Identifier: MIT
#pragma once

#include "Verb.h"

#include <functional>

class Deployment;
struct DeployOptions;

class DeployVerb : public Verb
{
public:
    QString name() const override { return QStringLiteral("deploy"); }
    QString summary() const override
    {
        return QStringLiteral("Run every condition of the experiment on its own machine (aws), on listed ssh hosts, or "
                              "as containers on this machine (local), from the pinned HEAD commit.");
    }
    int execute(const QStringList& arguments) override;

    // How an operation of a deployment ended: its exit code and its closing message.
    struct Awaited
    {
        int code = 0;
        QString message;
    };
    // Starts one operation of a deployment and waits in an event loop for its
    // end, printing its progress.
    static Awaited await(Deployment& deployment, const std::function<void()>& start);
    // deploy --wait: status rounds every intervalSeconds until nothing is queued or running; status's exit code.
    static int waitForEnd(Deployment& deployment, int intervalSeconds);
    // Asks a yes/no question on the terminal; false when stdin is no terminal.
    static bool confirm(const QString& question);
    // --dry-run: prints what deploy would do; changes nothing.
    static int preview(const Deployment& deployment, const DeployOptions& options);
};
