// SPDX-License-Identifier: MIT
#include "DeploymentIndex.h"

#include "Logging.h"
#include "git/GitRepository.h"

#include <QCryptographicHash>
#include <QDir>
#include <QDirIterator>
#include <QFileInfo>
#include <QJsonDocument>
#include <QJsonObject>
#include <QSaveFile>
#include <QStandardPaths>
#include <algorithm>

namespace {

constexpr int SchemaVersion = 1;
const char* const EntryFile = "entry.json";
const char* const TerraformFolder = "terraform";
const char* const ParametersFile = "parameters.json";
const char* const RecoveredFolder = "recovered";

Result copyFile(const QString& from, const QString& to)
{
    QFile source(from);
    QSaveFile target(to);
    if (!source.open(QIODevice::ReadOnly) || !target.open(QIODevice::WriteOnly) || target.write(source.readAll()) < 0
        || !target.commit())
        return Result::failed(QStringLiteral("%1: cannot copy: %2").arg(to, target.errorString()));
    return Result::ok();
}

Result writeJson(const QString& path, const QJsonObject& json)
{
    QSaveFile file(path);
    if (!file.open(QIODevice::WriteOnly) || file.write(QJsonDocument(json).toJson()) < 0 || !file.commit())
        return Result::failed(QStringLiteral("%1: cannot save: %2").arg(path, file.errorString()));
    return Result::ok();
}

// Copies the Terraform configuration and state (not the provider binaries in
// .terraform/, which `terraform init` fetches again from the mirror).
Result copyTerraform(const QString& from, const QString& to)
{
    if (!QFileInfo(from).isDir())
        return Result::ok();
    QDir().mkpath(to);
    QDirIterator it(from, QDir::Files | QDir::Hidden);
    while (it.hasNext()) {
        const QFileInfo info(it.next());
        const QString name = info.fileName();
        if (!(name.endsWith(QLatin1String(".tf.json")) || name.endsWith(QLatin1String(".tf"))
              || name.startsWith(QLatin1String("terraform.tfstate")) || name == QLatin1String(".terraform.lock.hcl")))
            continue;
        if (Result r = copyFile(info.filePath(), to + QLatin1Char('/') + name); !r)
            return r;
    }
    return Result::ok();
}

QString canonical(const QString& path)
{
    const QString c = QFileInfo(path).canonicalFilePath();
    return c.isEmpty() ? QDir::cleanPath(QFileInfo(path).absoluteFilePath()) : c;
}

} // namespace

QString DeploymentIndex::Entry::parametersCopy() const
{
    const QString path = folder + QLatin1Char('/') + QLatin1String(ParametersFile);
    return QFileInfo(path).isFile() ? path : QString();
}

QString DeploymentIndex::Entry::terraformCopy() const
{
    const QString path = folder + QLatin1Char('/') + QLatin1String(TerraformFolder);
    return QFileInfo(path).isDir() ? path : QString();
}

bool DeploymentIndex::Entry::stateDirExists() const
{
    return QFileInfo(stateDir + QLatin1Char('/') + QLatin1String(DeploymentState::FileName)).isFile();
}

DeploymentIndex::DeploymentIndex()
    : DeploymentIndex(defaultFolder())
{
}

DeploymentIndex::DeploymentIndex(const QString& folder)
    : m_folder(folder)
{
}

QString DeploymentIndex::defaultFolder()
{
    // Qt 6.4 has no StateLocation: the XDG base directory rule, by hand.
    QString base = qEnvironmentVariable("XDG_STATE_HOME");
    if (base.isEmpty() || !QDir::isAbsolutePath(base))
        base = QDir::homePath() + QStringLiteral("/.local/state");
    return base + QStringLiteral("/logistician/deployments");
}

QString DeploymentIndex::keyFor(const QString& stateDir, const QString& experiment)
{
    QString name;
    for (const QChar ch : experiment.toLower()) {
        if ((ch >= QLatin1Char('a') && ch <= QLatin1Char('z')) || (ch >= QLatin1Char('0') && ch <= QLatin1Char('9'))
            || ch == QLatin1Char('-') || ch == QLatin1Char('_'))
            name += ch;
        else if (!name.endsWith(QLatin1Char('-')))
            name += QLatin1Char('-');
    }
    const QByteArray hash = QCryptographicHash::hash(canonical(stateDir).toUtf8(), QCryptographicHash::Sha256).toHex();
    return name.left(40) + QLatin1Char('-') + QString::fromLatin1(hash.left(12));
}

Result DeploymentIndex::record(const QString& experimentDir, const QString& stateDir, const DeploymentState& state,
                               const QString& region, const QString& instanceType)
{
    const QString key = keyFor(stateDir, state.experiment);
    const QString folder = m_folder + QLatin1Char('/') + key;
    if (!QDir().mkpath(folder))
        return Result::failed(QStringLiteral("%1: cannot create the deployment index folder").arg(folder));
    QJsonObject entry {
        { QStringLiteral("schema"), SchemaVersion },
        { QStringLiteral("experiment_dir"), canonical(experimentDir) },
        { QStringLiteral("state_dir"), canonical(stateDir) },
        { QStringLiteral("recorded_at"), QDateTime::currentDateTimeUtc().toString(Qt::ISODate) },
    };
    if (!region.isEmpty())
        entry.insert(QStringLiteral("aws_region"), region);
    if (!instanceType.isEmpty())
        entry.insert(QStringLiteral("aws_instance_type"), instanceType);
    if (Result r = copyTerraform(stateDir + QStringLiteral("/terraform"),
                                 folder + QLatin1Char('/') + QLatin1String(TerraformFolder));
        !r)
        return r;
    if (Result r = writeJson(folder + QLatin1Char('/') + QLatin1String(DeploymentState::FileName), state.toJson()); !r)
        return r;
    // The docker commands and the region a terminate needs once the project is gone.
    if (const QString parameters = experimentDir + QLatin1Char('/') + QLatin1String(ParametersFile);
        QFileInfo(parameters).isFile()) {
        if (Result r = copyFile(parameters, folder + QLatin1Char('/') + QLatin1String(ParametersFile)); !r)
            return r;
    }
    // entry.json last: an entry without it is not listed, so a half-recorded one never shows.
    return writeJson(folder + QLatin1Char('/') + QLatin1String(EntryFile), entry);
}

Result DeploymentIndex::forget(const QString& stateDir)
{
    const QString wanted = canonical(stateDir);
    for (const Entry& e : entries()) {
        if (e.stateDir == wanted)
            return forgetKey(e.key);
    }
    return Result::ok();
}

Result DeploymentIndex::forgetKey(const QString& key)
{
    if (key.isEmpty() || key.contains(QLatin1Char('/')) || key.startsWith(QLatin1Char('.')))
        return Result::badInput(QStringLiteral("not a deployment index key: %1").arg(key));
    QDir dir(m_folder + QLatin1Char('/') + key);
    if (dir.exists() && !dir.removeRecursively())
        return Result::failed(QStringLiteral("%1: cannot remove").arg(dir.path()));
    return Result::ok();
}

QList<DeploymentIndex::Entry> DeploymentIndex::entries() const
{
    QList<Entry> result;
    const QStringList keys = QDir(m_folder).entryList(QDir::Dirs | QDir::NoDotAndDotDot, QDir::Name);
    for (const QString& key : keys) {
        const QString folder = m_folder + QLatin1Char('/') + key;
        QFile entryFile(folder + QLatin1Char('/') + QLatin1String(EntryFile));
        if (!entryFile.open(QIODevice::ReadOnly))
            continue; // being recorded, or not ours
        const QJsonObject json = QJsonDocument::fromJson(entryFile.readAll()).object();
        DeploymentState state;
        const Result loaded = json.value(QStringLiteral("schema")).toInt() == SchemaVersion
            ? DeploymentState::load(folder, &state)
            : Result::badInput(QStringLiteral("%1: not a schema this version reads").arg(entryFile.fileName()));
        if (!loaded) {
            qCWarning(lcDeploy) << "skipping an unreadable deployment index entry" << folder << loaded.message();
            continue;
        }
        Entry e;
        e.key = key;
        e.folder = folder;
        e.experimentDir = json.value(QStringLiteral("experiment_dir")).toString();
        e.stateDir = json.value(QStringLiteral("state_dir")).toString();
        e.region = json.value(QStringLiteral("aws_region")).toString();
        e.instanceType = json.value(QStringLiteral("aws_instance_type")).toString();
        e.recordedAt = QDateTime::fromString(json.value(QStringLiteral("recorded_at")).toString(), Qt::ISODate);
        e.state = state;
        result << e;
    }
    std::sort(result.begin(), result.end(), [](const Entry& a, const Entry& b) { return a.recordedAt > b.recordedAt; });
    return result;
}

Result DeploymentIndex::restore(const Entry& entry, QString* experimentDir) const
{
    QString dir = entry.experimentDir;
    QString stateDir = entry.stateDir;
    if (!QFileInfo(dir + QLatin1Char('/') + QLatin1String(ParametersFile)).isFile()) {
        if (entry.parametersCopy().isEmpty())
            return Result::failed(QStringLiteral("%1 is gone and the index holds no copy of its parameters.json")
                                      .arg(entry.experimentDir));
        dir = entry.folder + QLatin1Char('/') + QLatin1String(RecoveredFolder);
        stateDir = dir + QStringLiteral("/.logistician");
        QDir().mkpath(stateDir);
        if (Result r = copyFile(entry.parametersCopy(), dir + QLatin1Char('/') + QLatin1String(ParametersFile)); !r)
            return r;
        if (!QFileInfo::exists(dir + QStringLiteral("/.git"))) {
            if (Result r = GitRepository::init(dir); !r)
                return r;
        }
    }
    *experimentDir = dir;
    if (QFileInfo::exists(stateDir + QLatin1Char('/') + QLatin1String(DeploymentState::FileName)))
        return Result::ok();
    if (!QDir().mkpath(stateDir))
        return Result::failed(QStringLiteral("%1: cannot create").arg(stateDir));
    if (!entry.terraformCopy().isEmpty()) {
        if (Result r = copyTerraform(entry.terraformCopy(), stateDir + QStringLiteral("/terraform")); !r)
            return r;
    }
    return entry.state.save(stateDir);
}

QList<DeploymentIndex::Entry> DeploymentIndex::find(const QString& nameOrPath) const
{
    const bool isPath = nameOrPath.contains(QLatin1Char('/')) || QFileInfo::exists(nameOrPath);
    const QString path = isPath ? canonical(nameOrPath) : QString();
    QList<Entry> found;
    for (const Entry& e : entries()) {
        if (isPath ? (e.experimentDir == path || e.stateDir == path) : e.state.experiment == nameOrPath)
            found << e;
    }
    return found;
}
