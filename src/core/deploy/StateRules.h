// SPDX-License-Identifier: MIT
#pragma once

#include "Result.h"

#include <QByteArray>
#include <QString>

// deployment.json is read back from a folder anyone could have written (a
// clone's .logistician/, the per-user index's copy): like parameters.json, every
// value that becomes a path, a container name, an ssh destination or a loop
// bound is checked before the state is used, with file:line:col.
namespace StateRules {

// Bounds: a sweep this large or attempts this many are not something the tool wrote.
constexpr int MaxConditions = 100000;
constexpr int MaxAttempts = 1000;

bool isSlug(const QString& slug);
// text: deployment.json's bytes (valid JSON object); BadInput naming the key and where.
Result check(const QByteArray& text, const QString& fileName);
// The per-user index's entry.json (DeploymentIndex): the folders are absolute paths of plain
// characters, the region and instance type as the aws keys' rules say.
Result checkIndexEntry(const QByteArray& text, const QString& fileName);

} // namespace StateRules
