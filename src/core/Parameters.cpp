// SPDX-License-Identifier: MIT
#include "Parameters.h"

#include "ParameterRules.h"
#include "ParameterSchema.h"
#include "ShellWords.h"

#include "json/JsonLocator.h"
#include "json/JsonText.h"
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QSaveFile>
#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

namespace {

using ParameterSchema::scalarText;

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

// parameter_grid: an object of non-empty lists of scalars, its keys and values in their formats; the offset of
// what is wrong and why.
std::optional<QPair<int, QString>> checkGrid(const QJsonObject& obj, const JsonLocator& locator)
{
    if (!obj.contains(GridKey))
        return std::nullopt;
    if (!obj.value(GridKey).isObject())
        return qMakePair(locator.find(GridKey), QStringLiteral("parameter_grid must be an object of lists"));
    const QJsonObject grid = obj.value(GridKey).toObject();
    for (auto it = grid.begin(); it != grid.end(); ++it) {
        if (const QString why = ParameterRules::gridKey(it.key()); !why.isEmpty())
            return qMakePair(locator.findKey(GridKey, it.key()),
                             QStringLiteral("parameter_grid key \"%1\" %2").arg(it.key(), why));
        const QJsonArray values = it.value().toArray();
        bool scalars = it.value().isArray() && !values.isEmpty();
        for (const QJsonValue& item : values)
            scalars = scalars && (item.isString() || item.isDouble() || item.isBool());
        if (!scalars)
            return qMakePair(
                locator.find(GridKey, -1, it.key()),
                QStringLiteral("parameter_grid.%1 must be a non-empty list of strings, numbers or booleans")
                    .arg(it.key()));
        for (int i = 0; i < values.size(); ++i) {
            if (const QString why = ParameterRules::gridValue(scalarText(values.at(i))); !why.isEmpty())
                return qMakePair(locator.findElement(GridKey, it.key(), i),
                                 QStringLiteral("parameter_grid.%1 item %2 %3").arg(it.key()).arg(i + 1).arg(why));
        }
    }
    return std::nullopt;
}

} // namespace

Parameters::Parameters(const QJsonObject& json)
    : m_json(json)
    , m_keys(json.keys())
    , m_gridKeys(json.value(GridKey).toObject().keys())
{
}

ResultOf<Parameters> Parameters::parse(const QByteArray& text, const QString& fileName)
{
    JsonLocator locator(text);
    auto fail = [&](int offset, const QString& message) -> ResultOf<Parameters> {
        SourceLocation where { fileName };
        locator.lineColumn(qMax(0, offset), &where.line, &where.column);
        return Result::badInput(message, where);
    };

    QJsonParseError parseError;
    const QJsonDocument doc = QJsonDocument::fromJson(text, &parseError);
    if (parseError.error != QJsonParseError::NoError)
        return fail(parseError.offset, QStringLiteral("not valid JSON: ") + parseError.errorString());
    if (!doc.isObject())
        return fail(0, QStringLiteral("the top level must be a JSON object"));
    const QJsonObject obj = doc.object();
    if (const auto dup = locator.findDuplicate(); dup.offset >= 0)
        return fail(dup.offset,
                    dup.parent.isEmpty()
                        ? QStringLiteral("duplicate key \"%1\"; only one may be given").arg(dup.key)
                        : QStringLiteral("duplicate key \"%1\" in %2; only one may be given").arg(dup.key, dup.parent));

    // Each key by its type, bounds and rule (ParameterSchema); then what needs more than one key or a locator.
    for (const ParameterSchema::Key& key : ParameterSchema::keys()) {
        int item = -1;
        if (const QString why = ParameterSchema::check(key, obj, &item); !why.isEmpty())
            return fail(obj.contains(key.key) ? locator.find(key.key, item) : 0, why);
    }
    if (const auto problem = checkGrid(obj, locator))
        return fail(problem->first, problem->second);
    // Each backend's own rules for its keys (ParameterSchema::BackendKeys, from its folder).
    for (const ParameterSchema::BackendKeys& backend : ParameterSchema::backendKeys()) {
        const auto problem = backend.check ? backend.check(obj) : std::nullopt;
        if (!problem)
            continue;
        const int offset = !problem->member.isEmpty() ? locator.find(problem->key, -1, problem->member)
            : obj.contains(problem->key)              ? locator.find(problem->key)
                                                      : locator.find(QStringLiteral("backend"));
        return fail(offset, problem->message);
    }

    Parameters parameters(obj);
    parameters.m_text = text;
    parameters.m_keys = ordered(JsonText::keys(text), obj);
    parameters.m_gridKeys = ordered(JsonText::keys(text, { GridKey }), obj.value(GridKey).toObject());
    return parameters;
}

ResultOf<Parameters> Parameters::load(const QString& path)
{
    auto fail = [&](const QString& message) -> ResultOf<Parameters> {
        return Result::badInput(message, SourceLocation { path });
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
    return parse(text, path);
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

QString Parameters::string(const char* key) const
{
    const QJsonValue v = m_json.value(QLatin1String(key));
    return v.isString() && !v.toString().isEmpty() ? v.toString()
                                                   : ParameterSchema::key(QLatin1String(key)).defaultValue.toString();
}

int Parameters::integer(const char* key) const
{
    return m_json.value(QLatin1String(key)).toInt(ParameterSchema::key(QLatin1String(key)).defaultValue.toInt());
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
    return string("backend");
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
    return integer("max_parallel");
}
int Parameters::awsMachines() const
{
    return integer("aws_machines");
}
QString Parameters::registry() const
{
    return string("registry");
}
int Parameters::autoStopMinutes() const
{
    return integer("auto_stop_minutes");
}
int Parameters::maxRetries() const
{
    return integer("max_retries");
}

int Parameters::maxRuntimeMinutes() const
{
    return integer("max_runtime_minutes");
}
QString Parameters::awsAmi() const
{
    return string("aws_ami");
}
QString Parameters::awsAmiUser() const
{
    return string("aws_ami_user");
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
    return string("local_docker_command");
}
QString Parameters::remoteDockerCommand() const
{
    return string("remote_docker_command");
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
    return ParameterSchema::key(QStringLiteral("experiment_name")).rule(name).isEmpty();
}
