// SPDX-License-Identifier: MIT
#pragma once

#include "Result.h"

#include <QString>
#include <QStringList>

// POSIX shell word rules without expansion: quotes and backslashes group and
// escape, nothing is ever evaluated. Used for `-o ARGS`, condition strings and
// the experiment command, and to quote commands for display.
namespace ShellWords {

// Splits text into words; BadInput saying what on an unbalanced quote or a
// trailing backslash.
ResultOf<QStringList> split(const QString& text);

// Quotes one word so that a POSIX shell reads it back unchanged.
QString quote(const QString& word);

// Quotes and joins words with spaces.
QString join(const QStringList& words);

} // namespace ShellWords
