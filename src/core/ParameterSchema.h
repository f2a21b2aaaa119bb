// SPDX-License-Identifier: MIT
#pragma once

#include <QJsonObject>
#include <QJsonValue>
#include <QList>
#include <QString>
#include <QStringList>
#include <optional>

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
    Checked // checked by its backend's check (BackendKeys)
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
    QStringList suggestions; // what the front ends offer to pick from; any value the rule takes may be typed
    QString absent; // what an absent or empty value means, for people (a field's placeholder); empty: nothing
    bool required = false;
};

// What is wrong with a backend's keys: the key at fault (one the file lacks is reported where "backend" is),
// the member of its object if that is where, and why.
struct Problem
{
    Problem(const QString& at, const QString& why, const QString& inside = QString())
        : key(at)
        , message(why)
        , member(inside)
    {
    }
    QString key;
    QString message;
    QString member;
};

// A backend's own keys (deploy/backends/NAME/NAMEParameters.h: NAMEParameters::schema()), shown after "hosts",
// and the check of the whole object the loader runs after every key's own.
struct BackendKeys
{
    QList<Key> keys;
    std::optional<Problem> (*check)(const QJsonObject& parameters) = nullptr;
};
// The built-in backends' names and keys, generated from LOGISTICIAN_BACKENDS
// (src/core/deploy/backends/Backends.cmake).
QStringList builtInBackends();
QList<BackendKeys> builtInBackendKeys();
// Another backend's keys (a test's); before keys() is first asked.
void addBackendKeys(const BackendKeys& keys);
// The built-in backends' and those added.
QList<BackendKeys> backendKeys();

// In the order the Settings tab shows them: the common keys, the backends' after "hosts".
const QList<Key>& keys();
// The key's entry; a key the schema does not know has none (and aborts in a debug build).
const Key& key(const QString& name);
bool contains(const QString& name);

// What is wrong with the value of `entry.key` in obj (empty when fine or absent); *item is the list item at fault
// (-1 for the value itself). Checked keys are not looked at here.
QString check(const Key& entry, const QJsonObject& obj, int* item);

// A key of the String type (rule: what is wrong with a value; separator: between the key and its message), an
// Integer from minimum to maximum, and a key of another type with its default; for the backends' schema().
Key string(const char* key, const char* label, const char* help, Rule rule = nullptr, const char* separator = " ");
Key integer(const char* key, int minimum, int maximum, int fallback, const char* label, const char* help);
Key typed(Key k, Type type, const QJsonValue& fallback = QJsonValue(QJsonValue::Undefined));

// "a string", "a number", ... for messages.
QString typeName(const QJsonValue& value);
// A scalar as a command line gets it: a string as it is, true/false, a number in its shortest exact spelling.
QString scalarText(const QJsonValue& value);

// Minutes as the time limits take them (auto_stop_minutes, max_runtime_minutes, deploy --auto-stop/--max-runtime).
constexpr int MaxMinutes = 1000000;

} // namespace ParameterSchema
