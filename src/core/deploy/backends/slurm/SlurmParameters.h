// SPDX-License-Identifier: MIT
#pragma once

#include "ParameterSchema.h"

#include <QJsonObject>
#include <QString>
#include <optional>

class Parameters;

// The `slurm` object of parameters.json: checked when the file is loaded (every
// value reaches sbatch, ssh or a shell on the login node), and read with its
// defaults for the slurm backend.
namespace SlurmParameters {

// What is wrong: member, the member of "slurm" at fault (empty: the object itself, or "backend" without it).
using Problem = ParameterSchema::Problem;

// The "slurm" key for ParameterSchema, with check() as its whole-object check.
ParameterSchema::BackendKeys schema();

// Checks the slurm object, if there is one: known members only, each in its format.
std::optional<Problem> check(const QJsonObject& parameters);

// The checks one value at a time; empty when fine, else what is wrong.
QString login(const QString& value); // user@host[:port]
QString name(const QString& value); // partition, account: [A-Za-z0-9][A-Za-z0-9_.-]*, at most 64
QString time(const QString& value); // HH:MM:SS or D-HH:MM:SS
QString memory(const QString& value); // e.g. 16G, 512M, 2000
QString runtime(const QString& value); // docker, podman or apptainer
QString workDir(const QString& value); // ~, ~/path or /path: letters, digits, . _ - / only, no ..

struct Settings
{
    QString login;
    QString partition; // empty: the cluster's default
    QString account; // empty: the user's default
    QString time; // empty: the partition's default limit
    int cpusPerTask = 1;
    QString memory; // empty: the partition's default
    int gpusPerTask = 0;
    QString runtime = QStringLiteral("docker");
    QString workDir = QStringLiteral("~/logistician");
};
Settings read(const Parameters& parameters);

} // namespace SlurmParameters
