// SPDX-License-Identifier: MIT
#include "StateRules.h"

#include "ParameterRules.h"
#include "ParameterSchema.h"
#include "Parameters.h"

#include "json/JsonLocator.h"
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QRegularExpression>

namespace {

bool matches(const QString& pattern, const QString& text)
{
    const QRegularExpression re(QRegularExpression::anchoredPattern(pattern));
    return re.match(text).hasMatch();
}

// One problem: its message, and the path of the value it is about.
struct Problem
{
    QVariantList path;
    QString message;
};

std::optional<Problem> checkHost(const QJsonObject& h, int i)
{
    const QString address = h.value(QStringLiteral("address")).toString();
    if (address != QLatin1String("local")) {
        if (const QString why = ParameterRules::host(address); !why.isEmpty())
            return Problem { { QStringLiteral("hosts"), i, QStringLiteral("address") },
                             QStringLiteral("hosts item %1: address %2").arg(i + 1).arg(why) };
    }
    const QString home = h.value(QStringLiteral("home")).toString();
    if (!home.isEmpty()
        && (!matches(QStringLiteral("/[A-Za-z0-9._@+/-]{0,1023}"), home) || home.contains(QLatin1String("/../"))
            || home.endsWith(QLatin1String("/.."))))
        return Problem { { QStringLiteral("hosts"), i, QStringLiteral("home") },
                         QStringLiteral("hosts item %1: home must be an absolute folder of letters, digits and "
                                        "._@+-/ with no \"..\"")
                             .arg(i + 1) };
    const QString id = h.value(QStringLiteral("id")).toString();
    if (!id.isEmpty() && !matches(QStringLiteral("[A-Za-z0-9][A-Za-z0-9._:-]{0,127}"), id))
        return Problem { { QStringLiteral("hosts"), i, QStringLiteral("id") },
                         QStringLiteral("hosts item %1: id is not a machine id").arg(i + 1) };
    return std::nullopt;
}

std::optional<Problem> checkCondition(const QJsonObject& c, int i, int count, const QStringList& hosts)
{
    const auto at = [i](const char* key) {
        return QVariantList { QStringLiteral("conditions"), i, QLatin1String(key) };
    };
    const auto item
        = [i](const QString& what) { return QStringLiteral("conditions item %1: %2").arg(i + 1).arg(what); };
    const QJsonValue index = c.value(QStringLiteral("index"));
    if (!index.isDouble() || index.toDouble() != index.toInt() || index.toInt() < 1 || index.toInt() > count)
        return Problem { at("index"), item(QStringLiteral("index must be a whole number from 1 to %1").arg(count)) };
    const QString slug = c.value(QStringLiteral("slug")).toString();
    if (!StateRules::isSlug(slug))
        return Problem { at("slug"),
                         item(QStringLiteral("slug must be \"c\", a number and letters, digits, '.' or '-' "
                                             "(at most 64, no \"..\"), not \"%1\"")
                                  .arg(slug.left(80))) };
    if (const QString why = ParameterRules::condition(c.value(QStringLiteral("condition")).toString()); !why.isEmpty())
        return Problem { at("condition"), item(QStringLiteral("condition: ") + why) };
    const QJsonArray arguments = c.value(QStringLiteral("arguments")).toArray();
    for (int a = 0; a < arguments.size(); ++a) {
        if (!arguments.at(a).isString() || arguments.at(a).toString().contains(QLatin1Char('\n'))
            || arguments.at(a).toString().contains(QChar(0)))
            return Problem { { QStringLiteral("conditions"), i, QStringLiteral("arguments"), a },
                             item(QStringLiteral("arguments must be strings without a newline")) };
    }
    const QString host = c.value(QStringLiteral("host")).toString();
    if (!host.isEmpty() && !hosts.contains(host))
        return Problem { at("host"), item(QStringLiteral("host \"%1\" is not one of hosts").arg(host.left(80))) };
    for (const char* key : { "attempt", "last_attempt" }) {
        const QJsonValue v = c.value(QLatin1String(key));
        if (v.isUndefined())
            continue;
        if (!v.isDouble() || v.toDouble() != v.toInt() || v.toInt() < 1 || v.toInt() > StateRules::MaxAttempts)
            return Problem { at(key),
                             item(QStringLiteral("%1 must be a whole number from 1 to %2")
                                      .arg(QLatin1String(key))
                                      .arg(StateRules::MaxAttempts)) };
    }
    const QJsonValue code = c.value(QStringLiteral("exit_code"));
    if (!code.isUndefined() && (!code.isDouble() || code.toInt() < -1 || code.toInt() > 65535))
        return Problem { at("exit_code"), item(QStringLiteral("exit_code must be -1 to 65535")) };
    return std::nullopt;
}

std::optional<Problem> checkTop(const QJsonObject& o)
{
    const QString experiment = o.value(QStringLiteral("experiment")).toString();
    if (!Parameters::isValidExperimentName(experiment))
        return Problem { { QStringLiteral("experiment") }, QStringLiteral("experiment is not an experiment name") };
    const QString backend = o.value(QStringLiteral("backend")).toString();
    if (!backend.isEmpty() && !matches(QStringLiteral("[a-z][a-z0-9_-]{0,31}"), backend))
        return Problem { { QStringLiteral("backend") }, QStringLiteral("backend is not a backend name") };
    const QString commit = o.value(QStringLiteral("commit")).toString();
    if (!commit.isEmpty() && !matches(QStringLiteral("[0-9a-f]{7,64}"), commit))
        return Problem { { QStringLiteral("commit") }, QStringLiteral("commit is not a commit id") };
    const QString image = o.value(QStringLiteral("image")).toString();
    if (!image.isEmpty() && !matches(QStringLiteral("[a-z0-9][a-z0-9._/:@-]{0,254}"), image))
        return Problem { { QStringLiteral("image") }, QStringLiteral("image is not an image reference") };
    if (const QString why = ParameterRules::registry(o.value(QStringLiteral("registry")).toString()); !why.isEmpty())
        return Problem { { QStringLiteral("registry") }, QStringLiteral("registry ") + why };
    const QJsonArray jobs = o.value(QStringLiteral("slurm_jobs")).toArray();
    for (int i = 0; i < jobs.size(); ++i) {
        if (!matches(QStringLiteral("[0-9]{1,20}(_[0-9]{1,10})?"), jobs.at(i).toString()))
            return Problem { { QStringLiteral("slurm_jobs"), i }, QStringLiteral("slurm_jobs holds a non-job id") };
    }
    return std::nullopt;
}

bool isPlainAbsolutePath(const QString& path)
{
    if (!path.startsWith(QLatin1Char('/')) || path.size() > 4096
        || path.split(QLatin1Char('/')).contains(QLatin1String("..")))
        return false;
    return std::none_of(path.cbegin(), path.cend(), [](QChar c) { return c.category() == QChar::Other_Control; });
}

std::optional<Problem> checkEntry(const QJsonObject& o)
{
    for (const char* key : { "experiment_dir", "state_dir" }) {
        const QString name = QLatin1String(key);
        if (!isPlainAbsolutePath(o.value(name).toString()))
            return Problem { { name }, QStringLiteral("%1 is not an absolute path").arg(name) };
    }
    // The machine's region and type as the backend that chose them took them: its keys' own rules.
    for (const char* name : { "aws_region", "aws_instance_type" }) {
        const QString key = QLatin1String(name);
        const QString value = o.value(key).toString();
        const ParameterSchema::Key* rule = ParameterSchema::contains(key) ? &ParameterSchema::key(key) : nullptr;
        if (rule && rule->rule && !rule->rule(value).isEmpty())
            return Problem { { key }, key + rule->ruleSeparator + rule->rule(value) };
    }
    return std::nullopt;
}

Result located(const QByteArray& text, const QString& fileName, const std::optional<Problem>& problem)
{
    if (!problem)
        return Result::ok();
    JsonLocator locator(text);
    SourceLocation where { fileName };
    locator.lineColumn(qMax(0, locator.valueAt(problem->path)), &where.line, &where.column);
    return Result::badInput(problem->message, where);
}

} // namespace

namespace StateRules {

bool isSlug(const QString& slug)
{
    return matches(QStringLiteral("c[0-9]{1,6}(-[a-z0-9.-]{0,57})?"), slug) && !slug.contains(QLatin1String(".."))
        && !slug.endsWith(QLatin1Char('-')) && !slug.endsWith(QLatin1Char('.'));
}

Result check(const QByteArray& text, const QString& fileName)
{
    const QJsonObject o = QJsonDocument::fromJson(text).object();
    std::optional<Problem> problem = checkTop(o);
    const QJsonArray hosts = o.value(QStringLiteral("hosts")).toArray();
    QStringList addresses;
    for (int i = 0; !problem && i < hosts.size(); ++i) {
        problem = checkHost(hosts.at(i).toObject(), i);
        addresses << hosts.at(i).toObject().value(QStringLiteral("address")).toString();
    }
    const QJsonArray conditions = o.value(QStringLiteral("conditions")).toArray();
    if (!problem && conditions.size() > MaxConditions)
        problem = Problem { { QStringLiteral("conditions") },
                            QStringLiteral("conditions has more than %1 items").arg(MaxConditions) };
    QSet<QString> slugs;
    for (int i = 0; !problem && i < conditions.size(); ++i) {
        const QJsonObject c = conditions.at(i).toObject();
        problem = checkCondition(c, i, int(conditions.size()), addresses);
        const QString slug = c.value(QStringLiteral("slug")).toString();
        if (!problem && slugs.contains(slug))
            problem = Problem { { QStringLiteral("conditions"), i, QStringLiteral("slug") },
                                QStringLiteral("conditions item %1: slug \"%2\" is there twice").arg(i + 1).arg(slug) };
        slugs.insert(slug);
    }
    return located(text, fileName, problem);
}

Result checkIndexEntry(const QByteArray& text, const QString& fileName)
{
    return located(text, fileName, checkEntry(QJsonDocument::fromJson(text).object()));
}

} // namespace StateRules
