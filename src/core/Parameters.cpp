// SPDX-License-Identifier: MIT
#include "Parameters.h"

#include "ParameterRules.h"
#include "ShellWords.h"
#include "aws/AwsParameters.h"
#include "deploy/backends/BackendRegistry.h"
#include "slurm/SlurmParameters.h"

#include "json/JsonLocator.h"
#include "json/JsonText.h"
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QRegularExpression>
#include <QSaveFile>
#include <QSet>
#include <cerrno>
#include <cmath>
#include <cstring>
#include <fcntl.h>
#include <functional>
#include <sys/stat.h>
#include <unistd.h>

namespace {

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

const QString GridKey = QStringLiteral("parameter_grid");

// The JSON value for a grid value typed as text: the value of the same text the key held (so a number stays a
// number with its spelling), else a number or boolean that reads back as exactly this text, unless the key held
// strings only; else the text as a string.
QJsonValue gridValue(const QString& text, const QJsonArray& before)
{
    bool strings = !before.isEmpty();
    for (const QJsonValue& v : before) {
        if (scalarText(v) == text)
            return v;
        strings = strings && v.isString();
    }
    if (!strings) {
        QJsonParseError error;
        const QJsonArray read = QJsonDocument::fromJson('[' + text.toUtf8() + ']', &error).array();
        if (error.error == QJsonParseError::NoError && read.size() == 1
            && (read.at(0).isDouble() || read.at(0).isBool()) && scalarText(read.at(0)) == text)
            return read.at(0);
    }
    return text;
}

// keys first (those the object has), then the object's others.
QStringList ordered(const QStringList& keys, const QJsonObject& object)
{
    QStringList out;
    for (const QString& key : keys) {
        if (object.contains(key) && !out.contains(key))
            out << key;
    }
    for (auto it = object.begin(); it != object.end(); ++it) {
        if (!out.contains(it.key()))
            out << it.key();
    }
    return out;
}

} // namespace

Parameters::Parameters(const QJsonObject& json)
    : m_json(json)
    , m_keys(json.keys())
    , m_gridKeys(json.value(GridKey).toObject().keys())
{
}

std::optional<Parameters> Parameters::parse(const QByteArray& text, const QString& fileName, Result* error)
{
    JsonLocator locator(text);
    // The key is named in the message; it is kept as a parameter to show what each failure is about.
    auto fail = [&](int offset, const QString& /*key*/, const QString& message) -> std::optional<Parameters> {
        if (error) {
            SourceLocation where { fileName };
            locator.lineColumn(qMax(0, offset), &where.line, &where.column);
            *error = Result::badInput(message, where);
        }
        return std::nullopt;
    };

    QJsonParseError parseError;
    const QJsonDocument doc = QJsonDocument::fromJson(text, &parseError);
    if (parseError.error != QJsonParseError::NoError)
        return fail(parseError.offset, QString(), QStringLiteral("not valid JSON: ") + parseError.errorString());
    if (!doc.isObject())
        return fail(0, QString(), QStringLiteral("the top level must be a JSON object"));
    const QJsonObject obj = doc.object();
    if (const auto dup = locator.findDuplicate(); dup.offset >= 0)
        return fail(dup.offset, dup.parent.isEmpty() ? dup.key : dup.parent,
                    dup.parent.isEmpty()
                        ? QStringLiteral("duplicate key \"%1\"; only one may be given").arg(dup.key)
                        : QStringLiteral("duplicate key \"%1\" in %2; only one may be given").arg(dup.key, dup.parent));

    auto at = [&](const QString& key, int index = -1, const QString& member = QString()) {
        return locator.find(key, index, member);
    };
    auto requireString = [&](const char* key) -> std::optional<QString> {
        const QString k = QLatin1String(key);
        if (obj.contains(k) && !obj.value(k).isString())
            return QStringLiteral("%1 must be a string, not %2").arg(k, typeName(obj.value(k)));
        return std::nullopt;
    };

    // experiment_name
    const QString nameKey = QStringLiteral("experiment_name");
    if (!obj.contains(nameKey))
        return fail(0, nameKey, QStringLiteral("experiment_name is missing"));
    if (!obj.value(nameKey).isString())
        return fail(at(nameKey), nameKey, QStringLiteral("experiment_name must be a string"));
    if (!isValidExperimentName(obj.value(nameKey).toString()))
        return fail(at(nameKey), nameKey,
                    QStringLiteral("experiment_name must be 1 to 63 letters, digits, '-', '_' or '.', "
                                   "starting with a letter or digit"));

    for (const char* key :
         { "experiment_command", "aws_ami", "aws_ami_user", "aws_instance_type", "aws_region", "local_docker_command",
           "remote_docker_command", "registry", "registry_user", "backend" }) {
        if (auto message = requireString(key))
            return fail(at(QLatin1String(key)), QLatin1String(key), *message);
    }

    if (const auto problem = AwsParameters::check(obj))
        return fail(at(problem->key), problem->key, problem->message);

    // Values that reach docker, ssh or a shell: each checked against its format.
    using Rule = QString (*)(const QString&);
    struct RuleKey
    {
        const char* name;
        Rule rule;
        const char* separator; // between the key and the rule's message
    };
    for (const RuleKey& k : { RuleKey { "experiment_command", &ParameterRules::condition, ": " },
                              RuleKey { "local_docker_command", &ParameterRules::dockerCommand, " " },
                              RuleKey { "remote_docker_command", &ParameterRules::dockerCommand, " " },
                              RuleKey { "registry", &ParameterRules::registry, " " },
                              RuleKey { "registry_user", &ParameterRules::registryUser, " " } }) {
        const QString key = QLatin1String(k.name);
        if (!obj.contains(key))
            continue;
        if (const QString why = k.rule(obj.value(key).toString()); !why.isEmpty())
            return fail(at(key), key, key + QLatin1String(k.separator) + why);
    }

    const QString condKey = QStringLiteral("experiment_conditions");
    if (obj.contains(condKey)) {
        const QJsonValue v = obj.value(condKey);
        if (!v.isArray())
            return fail(at(condKey), condKey, QStringLiteral("experiment_conditions must be a list of strings"));
        const QJsonArray conds = v.toArray();
        for (int i = 0; i < conds.size(); ++i) {
            if (!conds.at(i).isString())
                return fail(at(condKey, i), condKey,
                            QStringLiteral("experiment_conditions must be a list of strings (item %1 is %2)")
                                .arg(i + 1)
                                .arg(typeName(conds.at(i))));
            if (const QString why = ParameterRules::condition(conds.at(i).toString()); !why.isEmpty())
                return fail(at(condKey, i), condKey,
                            QStringLiteral("experiment_conditions item %1: %2").arg(i + 1).arg(why));
        }
    }

    const QString gridKey = QStringLiteral("parameter_grid");
    if (obj.contains(gridKey)) {
        const QJsonValue v = obj.value(gridKey);
        if (!v.isObject())
            return fail(at(gridKey), gridKey, QStringLiteral("parameter_grid must be an object of lists"));
        const QJsonObject grid = v.toObject();
        for (auto it = grid.begin(); it != grid.end(); ++it) {
            if (const QString why = ParameterRules::gridKey(it.key()); !why.isEmpty())
                return fail(locator.findKey(gridKey, it.key()), gridKey,
                            QStringLiteral("parameter_grid key \"%1\" %2").arg(it.key(), why));
            const bool ok = it.value().isArray() && !it.value().toArray().isEmpty();
            bool scalars = ok;
            for (const QJsonValue& item : it.value().toArray())
                scalars = scalars && (item.isString() || item.isDouble() || item.isBool());
            if (!scalars)
                return fail(at(gridKey, -1, it.key()), gridKey,
                            QStringLiteral("parameter_grid.%1 must be a non-empty list of strings, numbers or booleans")
                                .arg(it.key()));
            const QJsonArray values = it.value().toArray();
            for (int i = 0; i < values.size(); ++i) {
                if (const QString why = ParameterRules::gridValue(scalarText(values.at(i))); !why.isEmpty())
                    return fail(locator.findElement(gridKey, it.key(), i), gridKey,
                                QStringLiteral("parameter_grid.%1 item %2 %3").arg(it.key()).arg(i + 1).arg(why));
            }
        }
    }

    const QString backendKey = QStringLiteral("backend");
    if (obj.contains(backendKey) && !BackendRegistry::has(obj.value(backendKey).toString()))
        return fail(
            at(backendKey), backendKey,
            QStringLiteral("backend must be one of %1").arg(BackendRegistry::names().join(QStringLiteral(", "))));

    if (const auto problem = SlurmParameters::check(obj)) {
        const QString slurmKey = QStringLiteral("slurm");
        const int offset = problem->member.isEmpty() ? (obj.contains(slurmKey) ? at(slurmKey) : at(backendKey))
                                                     : at(slurmKey, -1, problem->member);
        return fail(offset, slurmKey, problem->message);
    }

    const QString hostsKey = QStringLiteral("hosts");
    if (obj.contains(hostsKey)) {
        const QJsonValue v = obj.value(hostsKey);
        if (!v.isArray())
            return fail(at(hostsKey), hostsKey, QStringLiteral("hosts must be a list of \"user@host[:port]\" strings"));
        const QJsonArray hosts = v.toArray();
        for (int i = 0; i < hosts.size(); ++i) {
            const QString why = hosts.at(i).isString()
                ? ParameterRules::host(hosts.at(i).toString())
                : QStringLiteral("must look like \"user@host\" or \"user@host:port\"");
            if (!why.isEmpty())
                return fail(at(hostsKey, i), hostsKey, QStringLiteral("hosts item %1 %2").arg(i + 1).arg(why));
        }
    }

    struct IntKey
    {
        const char* name;
        int minimum;
    };
    for (const IntKey& k :
         { IntKey { "max_parallel", 1 }, IntKey { "auto_stop_minutes", 0 }, IntKey { "max_runtime_minutes", 0 } }) {
        const QString key = QLatin1String(k.name);
        if (!obj.contains(key))
            continue;
        const QJsonValue v = obj.value(key);
        const double d = v.toDouble(-1);
        // Range before wholeness: a double outside long long's range must never be converted.
        if (!v.isDouble() || d < k.minimum || d > 1e9 || d != std::floor(d))
            return fail(at(key), key,
                        QStringLiteral("%1 must be a whole number of at least %2").arg(key).arg(k.minimum));
    }

    // max_retries: how often the runner on a host starts a failed condition again by itself (0..10).
    const QString retriesKey = QStringLiteral("max_retries");
    if (obj.contains(retriesKey)) {
        const QJsonValue v = obj.value(retriesKey);
        const double d = v.toDouble(-1);
        if (!v.isDouble() || d < 0 || d > MaxRetriesLimit || d != std::floor(d))
            return fail(at(retriesKey), retriesKey,
                        QStringLiteral("max_retries must be a whole number from 0 to %1").arg(MaxRetriesLimit));
    }

    // gpus: "all" or a positive count, given to docker run --gpus.
    const QString gpusKey = QStringLiteral("gpus");
    if (obj.contains(gpusKey)) {
        const QJsonValue v = obj.value(gpusKey);
        const double d = v.toDouble(-1);
        const bool count = v.isDouble() && d >= 1 && d <= 1024 && d == static_cast<double>(static_cast<int>(d));
        if (!count && v.toString() != QLatin1String("all"))
            return fail(at(gpusKey), gpusKey, QStringLiteral("gpus must be a positive whole number or \"all\""));
    }

    Parameters parameters(obj);
    parameters.m_text = text;
    parameters.m_keys = ordered(JsonText::keys(text), obj);
    parameters.m_gridKeys = ordered(JsonText::keys(text, { GridKey }), obj.value(GridKey).toObject());
    return parameters;
}

std::optional<Parameters> Parameters::load(const QString& path, Result* error)
{
    auto fail = [&](const QString& message) -> std::optional<Parameters> {
        if (error)
            *error = Result::badInput(message, SourceLocation { path });
        return std::nullopt;
    };
    // Opened without blocking and checked on the open descriptor: a FIFO would
    // hang every verb in open() or read(), and a device such as /dev/zero (a
    // symlink is followed) would be read until memory runs out.
    const int fd = ::open(QFile::encodeName(path).constData(), O_RDONLY | O_NONBLOCK | O_CLOEXEC);
    if (fd < 0)
        return fail(errno == ENOENT ? QStringLiteral("no such file")
                                    : QStringLiteral("cannot read: ") + QString::fromLocal8Bit(strerror(errno)));
    struct stat info
    {
    };
    if (::fstat(fd, &info) != 0 || !S_ISREG(info.st_mode)) {
        ::close(fd);
        return fail(QStringLiteral("not a regular file"));
    }
    if (info.st_size > MaxFileSize) {
        ::close(fd);
        return fail(QStringLiteral("larger than %1 MB; not a parameters file").arg(MaxFileSize / (1024 * 1024)));
    }
    QFile file;
    if (!file.open(fd, QIODevice::ReadOnly, QFileDevice::AutoCloseHandle)) {
        ::close(fd);
        return fail(QStringLiteral("cannot read: ") + file.errorString());
    }
    // Read no more than the limit even if the file grows meanwhile.
    const QByteArray text = file.read(MaxFileSize + 1);
    if (text.size() > MaxFileSize)
        return fail(QStringLiteral("larger than %1 MB; not a parameters file").arg(MaxFileSize / (1024 * 1024)));
    return parse(text, path, error);
}

QByteArray Parameters::toJson() const
{
    const JsonText::KeyOrders orders { { {}, m_keys }, { { GridKey }, m_gridKeys } };
    return m_text.isEmpty() ? JsonText::write(m_json, orders) : JsonText::patch(m_text, m_json, orders);
}

Result Parameters::save(const QString& path) const
{
    QSaveFile file(path);
    if (!file.open(QIODevice::WriteOnly) || file.write(toJson()) < 0 || !file.commit())
        return Result::failed(QStringLiteral("%1: cannot save: %2").arg(path, file.errorString()));
    return Result::ok();
}

QString Parameters::string(const char* key, const QString& fallback) const
{
    const QJsonValue v = m_json.value(QLatin1String(key));
    return v.isString() && !v.toString().isEmpty() ? v.toString() : fallback;
}

QString Parameters::experimentName() const
{
    return string("experiment_name");
}
void Parameters::setExperimentName(const QString& name)
{
    setValue(QStringLiteral("experiment_name"), name);
}
QString Parameters::experimentCommand() const
{
    return string("experiment_command");
}
void Parameters::setExperimentCommand(const QString& command)
{
    setValue(QStringLiteral("experiment_command"), command);
}

QStringList Parameters::conditions() const
{
    QStringList out;
    for (const QJsonValue& v : m_json.value(QStringLiteral("experiment_conditions")).toArray())
        out << v.toString();
    return out;
}

void Parameters::setConditions(const QStringList& conditions)
{
    setValue(QStringLiteral("experiment_conditions"), QJsonArray::fromStringList(conditions));
}

Parameters::Grid Parameters::parameterGrid() const
{
    Grid grid;
    const QJsonObject obj = m_json.value(GridKey).toObject();
    for (const QString& key : ordered(m_gridKeys, obj)) {
        QStringList values;
        for (const QJsonValue& v : obj.value(key).toArray())
            values << scalarText(v);
        grid.append({ key, values });
    }
    return grid;
}

void Parameters::setParameterGrid(const Grid& grid)
{
    if (grid.isEmpty()) {
        setValue(GridKey, QJsonValue(QJsonValue::Undefined));
        return;
    }
    const QJsonObject before = m_json.value(GridKey).toObject();
    QJsonObject obj;
    QStringList keys;
    for (const auto& [key, texts] : grid) {
        QJsonArray values;
        for (const QString& text : texts)
            values.append(gridValue(text, before.value(key).toArray()));
        obj.insert(key, values);
        keys.removeAll(key);
        keys << key;
    }
    setValue(GridKey, obj);
    m_gridKeys = keys;
}

QStringList Parameters::expandGrid(const Grid& grid)
{
    if (grid.isEmpty())
        return {};
    QStringList product { QString() };
    for (const auto& [key, values] : grid) {
        QStringList next;
        for (const QString& prefix : std::as_const(product)) {
            for (const QString& value : values) {
                // "lr" reads as "--lr"; a key written with its dashes ("-l", "--lr") is used as it is.
                const QString flag = key.startsWith(QLatin1Char('-')) ? key : QStringLiteral("--") + key;
                const QString part = flag + QLatin1Char(' ') + ShellWords::quote(value);
                next << (prefix.isEmpty() ? part : prefix + QLatin1Char(' ') + part);
            }
        }
        product = next;
    }
    return product;
}

QStringList Parameters::allConditions() const
{
    return conditions() + expandGrid(parameterGrid());
}

QString Parameters::backend() const
{
    return string("backend", QStringLiteral("local"));
}

QStringList Parameters::hosts() const
{
    QStringList out;
    for (const QJsonValue& v : m_json.value(QStringLiteral("hosts")).toArray())
        out << v.toString();
    return out;
}

int Parameters::maxParallel() const
{
    return m_json.value(QStringLiteral("max_parallel")).toInt(1);
}
QString Parameters::registry() const
{
    return string("registry");
}
int Parameters::autoStopMinutes() const
{
    return m_json.value(QStringLiteral("auto_stop_minutes")).toInt(0);
}
int Parameters::maxRetries() const
{
    return m_json.value(QStringLiteral("max_retries")).toInt(0);
}

int Parameters::maxRuntimeMinutes() const
{
    return m_json.value(QStringLiteral("max_runtime_minutes")).toInt(0);
}
QString Parameters::awsAmi() const
{
    return string("aws_ami");
}
QString Parameters::awsAmiUser() const
{
    return string("aws_ami_user", QStringLiteral("admin"));
}
QString Parameters::awsInstanceType() const
{
    return string("aws_instance_type");
}
QString Parameters::awsRegion() const
{
    return string("aws_region");
}
QString Parameters::localDockerCommand() const
{
    return string("local_docker_command", QStringLiteral("docker"));
}
QString Parameters::remoteDockerCommand() const
{
    return string("remote_docker_command", QStringLiteral("docker"));
}

QString Parameters::gpus() const
{
    const QJsonValue v = m_json.value(QStringLiteral("gpus"));
    return v.isDouble() ? QString::number(v.toInt()) : v.toString();
}

bool Parameters::isOriginalStyle() const
{
    return !m_json.contains(QStringLiteral("experiment_command"));
}

void Parameters::setValue(const QString& key, const QJsonValue& value)
{
    if (value.isUndefined()) {
        m_json.remove(key);
        m_keys.removeAll(key);
        if (key == GridKey)
            m_gridKeys.clear();
        return;
    }
    m_json.insert(key, value);
    if (!m_keys.contains(key))
        m_keys << key;
    if (key == GridKey)
        m_gridKeys = ordered(m_gridKeys, value.toObject());
}

bool Parameters::isValidExperimentName(const QString& name)
{
    static const QRegularExpression re(QStringLiteral("^[A-Za-z0-9][A-Za-z0-9._-]{0,62}$"));
    return re.match(name).hasMatch();
}
