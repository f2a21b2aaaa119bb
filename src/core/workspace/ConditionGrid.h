// SPDX-License-Identifier: MIT
#pragma once

#include "Result.h"

#include <QList>
#include <QPair>
#include <QString>
#include <QStringList>

// Conditions as a grid: a condition of the form `--key value --key2 value2`
// reads as one value per key, so a sweep shows as a table with a column per
// key; anything else stays a raw argument string. Conditions are kept as the
// strings of parameters.json; a row the user does not touch keeps its exact text.
namespace ConditionGrid {

using Pairs = QList<QPair<QString, QString>>;

struct Parsed
{
    bool keyed = false; // `--key value` pairs only (an empty condition is keyed, with no pairs)
    Pairs pairs; // in the order written
    QStringList words; // the shell words, when the text splits
    QString error; // why the text does not split into words; empty when it does
};

Parsed parse(const QString& condition);

// "--key 'a value' --other 2": values quoted for the shell.
QString compose(const Pairs& pairs);

// The condition with key set to value (an empty value removes the key).
// Only for keyed conditions; a raw one is returned unchanged.
QString withValue(const QString& condition, const QString& key, const QString& value);

// The value of key in a keyed condition, or an empty string.
QString value(const QString& condition, const QString& key);

// Keys of the keyed conditions in order of first appearance.
QStringList keys(const QStringList& conditions);

// A key as it may appear after "--": letters, digits, '-', '_', '.', starting with a letter or digit.
bool isValidKey(const QString& key);

struct Problem
{
    int row = 0; // 0-based
    QString key; // the cell's key; empty for the condition as a whole
    QString message;
};

// What is wrong with each condition: text that does not split into words, a
// value that would read as a key, the same condition twice.
QList<Problem> validate(const QStringList& conditions);

// Splits the values typed for one key: separated by commas or spaces, quotes
// group ("a b", 'c,d'). BadInput on bad quoting.
ResultOf<QStringList> splitValues(const QString& text);

// The cartesian product, keys varying slowest first, in the order given.
QStringList product(const QList<QPair<QString, QStringList>>& axes);

} // namespace ConditionGrid
