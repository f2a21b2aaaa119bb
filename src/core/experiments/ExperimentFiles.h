// SPDX-License-Identifier: MIT
#pragma once

#include "Result.h"

#include <QString>

// Duplicate, rename and delete an experiment folder, for the browser's context
// menu (and any verb that wants them). Each is all or nothing: a copy is made
// beside the target and renamed into place; a rename is one rename(2); a
// delete moves the folder to the desktop's trash and refuses when it cannot.
// Results (data/) and run state (.logistician/) are never copied.
namespace ExperimentFiles {

// A copy of dir named newName beside it, with experiment_name set to newName; returns the copy's folder.
ResultOf<QString> duplicate(const QString& projectRoot, const QString& dir, const QString& newName);
// dir renamed to newName (folder and experiment_name); returns the new folder.
ResultOf<QString> rename(const QString& projectRoot, const QString& dir, const QString& newName);
// dir moved to the trash; returns where it is there.
ResultOf<QString> moveToTrash(const QString& dir);
// A free name "NAME-copy", "NAME-copy-2", … for a duplicate of dir.
QString copyName(const QString& projectRoot, const QString& dir);

} // namespace ExperimentFiles
