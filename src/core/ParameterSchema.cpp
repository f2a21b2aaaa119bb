// SPDX-License-Identifier: MIT
#include "ParameterSchema.h"

#include "ParameterRules.h"
#include "deploy/StoreAddress.h"
#include "deploy/backends/BackendRegistry.h"

#include <QCoreApplication>
#include <QJsonArray>
#include <QRegularExpression>
#include <algorithm>
#include <cmath>

namespace ParameterSchema {

namespace {

QString tr(const char* text)
{
    return QCoreApplication::translate("ParameterSchema", text);
}

QString experimentName(const QString& name)
{
    static const QRegularExpression re(QStringLiteral("^[A-Za-z0-9][A-Za-z0-9._-]{0,62}$"));
    if (re.match(name).hasMatch())
        return QString();
    return QStringLiteral("must be 1 to 63 letters, digits, '-', '_' or '.', starting with a letter or digit");
}

QList<BackendKeys>& addedBackendKeys()
{
    static QList<BackendKeys> added;
    return added;
}

QList<Key> make()
{
    Key name = string("experiment_name", "Experiment name", "A name valid as a Docker tag and an AWS resource name",
                      experimentName);
    name.required = true;
    Key backend = typed(string("backend", "Backend", "Where deploy runs the conditions"), Type::Choice,
                        QStringLiteral("local"));
    backend.choices = BackendRegistry::names(); // the registered backends (deploy/backends/Backends.cmake)
    Key gpus = typed(string("gpus", "GPUs", "The GPUs each container gets (docker run --gpus): a count or \"all\""),
                     Type::CountOrAll);
    gpus.minimum = 1;
    gpus.maximum = 1024;
    QList<Key> all {
        name,
        string("experiment_command", "Experiment command",
               "Runs in the container with each condition's words as its arguments", &ParameterRules::condition, ": "),
        typed(string("experiment_conditions", "Conditions", "One condition per item: the command's arguments",
                     &ParameterRules::condition, ": "),
              Type::StringList),
        typed(string("parameter_grid", "Parameter grid",
                     "One key per line, its values after a colon, separated by commas: lr: 0.1, 0.01. Every "
                     "combination becomes a condition."),
              Type::Grid),
        backend,
        typed(string("hosts", "SSH hosts", "One user@host or user@host:port per line", &ParameterRules::host),
              Type::StringList),
        string("registry", "Registry", "Where the image is pushed once and pulled by every machine: host[:port][/path]",
               &ParameterRules::registry),
        string("registry_user", "Registry user", "The user name for the registry", &ParameterRules::registryUser),
        integer("max_parallel", 1, 100000, 1, "Max parallel", "Conditions run at the same time on one machine"),
        integer("auto_stop_minutes", 0, MaxMinutes, 0, "Auto-stop",
                "A machine with nothing running for this long shuts itself down"),
        integer("max_runtime_minutes", 0, MaxMinutes, 0, "Max runtime",
                "A condition still running after this long is stopped and marked timed out"),
        integer("max_retries", 0, 10, 0, "Retries",
                "A failed condition is started again by itself, up to this many times"),
        gpus,
        typed(string("local_docker_command", "Local Docker command", "The docker program for local runs",
                     &ParameterRules::dockerCommand),
              Type::String, QStringLiteral("docker")),
        typed(string("remote_docker_command", "Remote Docker command", "The docker program on remote hosts",
                     &ParameterRules::dockerCommand),
              Type::String, QStringLiteral("docker")),
        string("results_store", "Results store",
               "s3://BUCKET/PREFIX: each condition's folder goes there as it ends; sync reads it from there",
               &ResultsStore::rule),
        typed(string("results_store_create", "Make the bucket",
                     "Logistician makes the bucket (aws); false: it exists already and is left as it is"),
              Type::Boolean, true),
        integer("results_store_log_seconds", 5, 86400, 60, "Log upload interval",
                "With a results store: how often a running condition's log goes up, in seconds"),
    };
    // Each backend's own keys after the hosts, in LOGISTICIAN_BACKENDS order.
    auto at = std::find_if(all.cbegin(), all.cend(), [](const Key& k) { return k.key == QLatin1String("hosts"); })
        - all.cbegin() + 1;
    for (const BackendKeys& backend : backendKeys()) {
        for (const Key& k : backend.keys)
            all.insert(at++, k);
    }
    return all;
}

bool whole(const QJsonValue& v, int minimum, int maximum)
{
    // Range before wholeness: a double outside int's range must never be converted.
    const double d = v.toDouble();
    return v.isDouble() && d >= minimum && d <= maximum && d == std::floor(d);
}

QString checkList(const Key& k, const QJsonValue& v, int* item)
{
    const QString noun
        = k.rule == &ParameterRules::host ? QStringLiteral("\"user@host[:port]\" strings") : QStringLiteral("strings");
    if (!v.isArray())
        return QStringLiteral("%1 must be a list of %2").arg(k.key, noun);
    const QJsonArray items = v.toArray();
    for (int i = 0; i < items.size(); ++i) {
        *item = i;
        if (!items.at(i).isString())
            return QStringLiteral("%1 must be a list of %2 (item %3 is %4)")
                .arg(k.key, noun)
                .arg(i + 1)
                .arg(typeName(items.at(i)));
        if (const QString why = k.rule ? k.rule(items.at(i).toString()) : QString(); !why.isEmpty())
            return QStringLiteral("%1 item %2%3%4").arg(k.key).arg(i + 1).arg(k.ruleSeparator, why);
    }
    *item = -1;
    return QString();
}

} // namespace

Key string(const char* key, const char* label, const char* help, Rule rule, const char* separator)
{
    Key k;
    k.key = QLatin1String(key);
    k.label = tr(label);
    k.help = tr(help);
    k.rule = rule;
    k.ruleSeparator = QLatin1String(separator);
    return k;
}

Key integer(const char* key, int minimum, int maximum, int fallback, const char* label, const char* help)
{
    Key k = string(key, label, help);
    k.type = Type::Integer;
    k.minimum = minimum;
    k.maximum = maximum;
    k.defaultValue = fallback;
    return k;
}

Key typed(Key k, Type type, const QJsonValue& fallback)
{
    k.type = type;
    k.defaultValue = fallback;
    return k;
}

void addBackendKeys(const BackendKeys& keys)
{
    addedBackendKeys() << keys;
}

QList<BackendKeys> backendKeys()
{
    return builtInBackendKeys() + addedBackendKeys();
}

const QList<Key>& keys()
{
    static const QList<Key> all = make();
    return all;
}

bool contains(const QString& name)
{
    for (const Key& k : keys()) {
        if (k.key == name)
            return true;
    }
    return false;
}

const Key& key(const QString& name)
{
    for (const Key& k : keys()) {
        if (k.key == name)
            return k;
    }
    Q_ASSERT_X(false, "ParameterSchema::key", qPrintable(name));
    static const Key none;
    return none;
}

QString check(const Key& k, const QJsonObject& obj, int* item)
{
    *item = -1;
    if (!obj.contains(k.key))
        return k.required ? QStringLiteral("%1 is missing").arg(k.key) : QString();
    const QJsonValue v = obj.value(k.key);
    switch (k.type) {
    case Type::String:
        if (!v.isString())
            return QStringLiteral("%1 must be a string, not %2").arg(k.key, typeName(v));
        if (const QString why = k.rule ? k.rule(v.toString()) : QString(); !why.isEmpty())
            return k.key + k.ruleSeparator + why;
        return QString();
    case Type::Integer:
        if (!whole(v, k.minimum, k.maximum))
            return QStringLiteral("%1 must be a whole number from %2 to %3").arg(k.key).arg(k.minimum).arg(k.maximum);
        return QString();
    case Type::CountOrAll:
        if (!whole(v, k.minimum, k.maximum) && v.toString() != QLatin1String("all"))
            return QStringLiteral("%1 must be a whole number from %2 to %3 or \"all\"")
                .arg(k.key)
                .arg(k.minimum)
                .arg(k.maximum);
        return QString();
    case Type::Boolean:
        return v.isBool() ? QString() : QStringLiteral("%1 must be true or false").arg(k.key);
    case Type::Choice:
        if (!k.choices.contains(v.toString()))
            return QStringLiteral("%1 must be one of %2").arg(k.key, k.choices.join(QStringLiteral(", ")));
        return QString();
    case Type::StringList:
        return checkList(k, v, item);
    case Type::Grid: // Parameters::parse checks it, with the locations of its keys and values
    case Type::Checked:
        return QString();
    }
    return QString();
}

QString typeName(const QJsonValue& v)
{
    switch (v.type()) {
    case QJsonValue::Null:
        return QStringLiteral("null");
    case QJsonValue::Bool:
        return QStringLiteral("a boolean");
    case QJsonValue::Double:
        return QStringLiteral("a number");
    case QJsonValue::String:
        return QStringLiteral("a string");
    case QJsonValue::Array:
        return QStringLiteral("a list");
    case QJsonValue::Object:
        return QStringLiteral("an object");
    default:
        return QStringLiteral("undefined");
    }
}

QString scalarText(const QJsonValue& v)
{
    if (v.isString())
        return v.toString();
    if (v.isBool())
        return v.toBool() ? QStringLiteral("true") : QStringLiteral("false");
    return QString::number(v.toDouble(), 'g', 15);
}

} // namespace ParameterSchema
