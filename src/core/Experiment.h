// SPDX-License-Identifier: MIT
#pragma once

#include "Parameters.h"
#include "Result.h"

#include <QString>

// An experiment folder: its parameters.json, Dockerfile, data/ and the
// tool's own state in .logistician/, and the project it belongs to.
class Experiment
{
public:
    // Loads dir/parameters.json and finds the project; a bad file or a folder
    // outside a Git working tree is bad input.
    static ResultOf<Experiment> open(const QString& dir);

    QString dir() const { return m_dir; }
    QString parametersPath() const;
    QString dockerfilePath() const;
    QString dataDir() const;
    QString stateDir() const; // .logistician/
    QString machinesFile() const; // machines.txt
    // The folder mounted at /project: the parent of the "experiments" folder
    // holding this experiment, else the Git root; always the Git root for an
    // original-style folder (no experiment_command), as the original mounted it.
    QString projectRoot() const { return m_projectRoot; }
    QString gitRoot() const { return m_gitRoot; }

    const Parameters& parameters() const { return m_parameters; }
    Parameters& parameters() { return m_parameters; }

    // Docker image name derived from experiment_name (lower case, as Docker requires).
    QString imageTag() const;

    // The project root for a folder: the parent of an enclosing "experiments"
    // folder, else the Git working tree root.
    static QString findProjectRoot(const QString& dir, const QString& gitRoot);

private:
    static Result refuseProgramInProject(const Experiment& experiment, const QString& paramsPath);

    QString m_dir;
    QString m_projectRoot;
    QString m_gitRoot;
    Parameters m_parameters;
};
