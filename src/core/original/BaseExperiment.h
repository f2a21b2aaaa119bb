// SPDX-License-Identifier: MIT
#pragma once

#include "ExperimentCreator.h"
#include "Result.h"

#include <QString>

// `create [PATH] --base EXPERIMENT`, as the original had it: a new experiment
// folder from another one's Dockerfile and parameters.json (every key kept,
// experiment_name set to the new name).
namespace BaseExperiment {

// options.baseDir: the experiment to start from; options.dir (or projectRoot/experiments/NAME): the new folder.
ResultOf<QString> create(const ExperimentCreator::Options& options);

// The folder `create` makes for its argument: a bare name goes to projectRoot/experiments/NAME; an argument with a
// '/' (or "." / "..") is a path relative to workingDir, as the original's `create PATH` took it.
QString targetDir(const QString& argument, const QString& projectRoot, const QString& workingDir);
bool isPath(const QString& argument);

} // namespace BaseExperiment
