// SPDX-License-Identifier: MIT
#pragma once

#include "Result.h"
#include "deploy/Backend.h"

#include <QObject>
#include <QTemporaryDir>
#include <memory>

class Deployment;

// `deploy --dry-run` and the deploy dialog's Preview: what a deploy would do,
// with nothing created, changed or saved. For aws, the real `terraform init`,
// `validate` and `plan` run on the configuration in a scratch folder (never the
// experiment's state folder); without AWS keys the plan cannot run, which the
// preview says, and the rest is still shown. For local and ssh: the containers
// and their commands. Asynchronous: it ends with finished().
class DeployPreview : public QObject
{
    Q_OBJECT
public:
    explicit DeployPreview(const Deployment& deployment, QObject* parent = nullptr);
    ~DeployPreview() override;

    void start(const DeployOptions& options);
    bool isBusy() const { return m_busy; }
    // Which parameters.json key a Terraform error is about, where it can be told; empty otherwise.
    static QString keyForTerraformError(const QString& message);

Q_SIGNALS:
    // result: ok, or what stops the deploy (Terraform's own message for a configuration it rejects);
    // text: the preview, shown either way.
    void finished(const Result& result, const QString& text);

private:
    void finish(const Result& result);
    void runTerraform(const QStringList& args, const QMap<QString, QString>& env,
                      std::function<void(const struct CommandOutcome&)> then);
    QString terraformRejected(const QString& step, const QString& message) const;

    const Deployment& m_deployment;
    std::unique_ptr<Backend> m_backend;
    std::unique_ptr<QTemporaryDir> m_scratch;
    QStringList m_lines;
    bool m_busy = false;
};
