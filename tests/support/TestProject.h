// SPDX-License-Identifier: MIT
#pragma once

#include "ScratchRepository.h"

#include <QJsonObject>
#include <QString>

// A scratch Git project with one experiment in experiments/NAME, whose image
// builds from the local base image in a second. The experiment name is unique
// per instance so images of parallel tests never collide.
class TestProject
{
public:
    // command: the experiment command; scripts: files to add to the project root.
    explicit TestProject(const QString& command = QStringLiteral("sh args.sh"));
    ~TestProject();

    ScratchRepository& repo() { return m_repo; }
    QString root() const { return m_repo.path(); }
    QString experimentDir() const;
    QString name() const { return m_name; }
    QString image() const;

    // Rewrites parameters.json with extra keys merged in.
    void setParameters(const QJsonObject& extra);
    // The directory of the most recent local run under data/.
    QString lastRunDir() const;

    // Prints each argument on its own line as <arg>, writes them to /data/results/args.txt.
    static QByteArray argsScript();

private:
    ScratchRepository m_repo;
    QString m_name;
};
