// SPDX-License-Identifier: MIT
#pragma once

#include "Result.h"
#include "deploy/Backend.h"

#include <QObject>
#include <QTemporaryDir>
#include <memory>

class Deployment;

// `deploy --dry-run` and the deploy dialog's Preview: what a deploy would do,
// with nothing created, changed or saved: the plan, the containers and their
// commands, then what the backend adds (Backend::previewHandOver: slurm's job;
// Backend::previewMachines: aws's real `terraform init`, `validate` and `plan`
// in a scratch folder, never the experiment's state folder). Asynchronous: it
// ends with finished().
class DeployPreview : public QObject
{
    Q_OBJECT
public:
    explicit DeployPreview(const Deployment& deployment, QObject* parent = nullptr);
    ~DeployPreview() override;

    void start(const DeployOptions& options);
    bool isBusy() const { return m_busy; }

Q_SIGNALS:
    // result: ok, or what stops the deploy (Terraform's own message for a configuration it rejects);
    // text: the preview, shown either way.
    void finished(const Result& result, const QString& text);

private:
    void finish(const Result& result);

    const Deployment& m_deployment;
    std::unique_ptr<Backend> m_backend;
    QStringList m_lines;
    bool m_busy = false;
};
