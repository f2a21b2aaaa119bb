// SPDX-License-Identifier: MIT
#pragma once

#include <QJsonObject>
#include <QJsonValue>
#include <QList>
#include <QString>
#include <QStringList>

// Every top-level key of parameters.json, once: its type, its bounds, its
// default, the words a person sees for it and the rule its value must pass.
// Parameters::parse checks a file against it, and the CLI's options, the
// deploy dialog and the Settings tab take their bounds, labels and help from
// it, so none of them can accept what another refuses.
namespace ParameterSchema {

enum class Type
{
    String, // a string; `rule` (if any) checks it
    Integer, // a whole number from minimum to maximum
    Boolean, // true or false
    StringList, // a list of strings, each passing `rule`
    Grid, // parameter_grid: an object of non-empty lists of scalars
    Choice, // a string, one of `choices`
    CountOrAll, // a whole number from minimum to maximum, or the string "all" (gpus)
    Checked // checked by its own area (AwsParameters::check, SlurmParameters::check)
};

// What is wrong with a value (empty: nothing).
using Rule = QString (*)(const QString&);

struct Key
{
    QString key;
    Type type = Type::String;
    int minimum = 0; // Integer, CountOrAll
    int maximum = 0;
    QJsonValue defaultValue; // as the accessors read an absent key; undefined: none
    QString label; // for people: "Max runtime"
    QString help; // one sentence
    Rule rule = nullptr;
    QString ruleSeparator = QStringLiteral(" "); // between the key and the rule's message
    QStringList choices; // Choice
    bool required = false;
};

// In the order the Settings tab shows them.
const QList<Key>& keys();
// The key's entry; a key the schema does not know has none (and aborts in a debug build).
const Key& key(const QString& name);
bool contains(const QString& name);

// What is wrong with the value of `entry.key` in obj (empty when fine or absent); *item is the list item at fault
// (-1 for the value itself). Checked keys are not looked at here.
QString check(const Key& entry, const QJsonObject& obj, int* item);

// "a string", "a number", ... for messages.
QString typeName(const QJsonValue& value);
// A scalar as a command line gets it: a string as it is, true/false, a number in its shortest exact spelling.
QString scalarText(const QJsonValue& value);

// Minutes as the time limits take them (auto_stop_minutes, max_runtime_minutes, deploy --auto-stop/--max-runtime).
constexpr int MaxMinutes = 1000000;

} // namespace ParameterSchema
