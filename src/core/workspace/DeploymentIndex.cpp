// SPDX-License-Identifier: MIT
#include "DeploymentIndex.h"

#include "Logging.h"
#include "ParameterRules.h"
#include "Parameters.h"
#include "deploy/StateRules.h"
#include "deploy/backends/BackendRegistry.h"
#include "files/SafeFile.h"
#include "git/GitRepository.h"

#include <QCryptographicHash>
#include <QDir>
#include <QDirIterator>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QMessageAuthenticationCode>
#include <QRegularExpression>
#include <QStandardPaths>
#include <algorithm>

namespace {

constexpr int SchemaVersion = 1;
const char* const EntryFile = "entry.json";
const char* const TerraformFolder = "terraform";
const char* const ParametersFile = "parameters.json";
const char* const RecoveredFolder = "recovered";
const char* const SshFolder = ".ssh-hosts";
const char* const KnownHostsFile = "hosts.json";
const char* const RegionsFile = ".aws-regions.json"; // a file, so entries() never lists it

// A project's file into the index: a regular file only, never through a symlink; written whole or not at all.
Result copyFile(const QString& from, const QString& to)
{
    const auto data = SafeFile::read(from, 64 * 1024 * 1024);
    if (!data)
        return Result::failed(QStringLiteral("%1: cannot copy: %2").arg(to, data.message()));
    return SafeFile::write(to, *data);
}

// A known_hosts host field naming one of names exactly: plain, or hashed as
// ssh's HashKnownHosts writes it ("|1|" base64 salt "|" base64 HMAC-SHA1 of the name).
bool namesHost(const QString& field, const QStringList& names)
{
    if (!field.startsWith(QLatin1String("|1|")))
        return names.contains(field);
    const QStringList parts = field.mid(3).split(QLatin1Char('|'));
    if (parts.size() != 2)
        return false;
    const QByteArray salt = QByteArray::fromBase64(parts.at(0).toLatin1());
    const QByteArray hash = QByteArray::fromBase64(parts.at(1).toLatin1());
    for (const QString& name : names) {
        if (QMessageAuthenticationCode::hash(name.toUtf8(), salt, QCryptographicHash::Sha1) == hash)
            return true;
    }
    return false;
}

// Whole or not at all: on a full disk the entry keeps what it had (SafeFile).
Result writeJson(const QString& path, const QJsonObject& json)
{
    return SafeFile::write(path, QJsonDocument(json).toJson());
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

QString DeploymentIndex::terraformDir(const QString& stateDir, const QString& experiment) const
{
    // A deployment put back in a folder of an entry (restore) works in that entry's folder.
    const QString index = canonical(m_folder) + QLatin1Char('/');
    const QString state = canonical(stateDir);
    const QString key = state.startsWith(index) ? state.mid(index.size()).section(QLatin1Char('/'), 0, 0)
                                                : keyFor(stateDir, experiment);
    return m_folder + QLatin1Char('/') + key + QLatin1Char('/') + QLatin1String(TerraformFolder);
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
    // Terraform already works in this entry's folder (terraformDir): nothing of the project's
    // .logistician/terraform is ever copied here, where terminate --experiment would run it.
    if (Result r = writeJson(folder + QLatin1Char('/') + QLatin1String(DeploymentState::FileName), state.toJson()); !r)
        return r;
    // The docker commands and the region a terminate needs once the project is gone.
    if (const QString parameters = experimentDir + QLatin1Char('/') + QLatin1String(ParametersFile);
        QFileInfo(parameters).isFile()) {
        if (Result r = copyFile(parameters, folder + QLatin1Char('/') + QLatin1String(ParametersFile)); !r)
            return r;
    }
    if (BackendRegistry::traits(state.backend).usesHostList) {
        if (Result r = rememberHosts(experimentDir, stateDir, state); !r)
            return r;
    }
    if (!region.isEmpty()) {
        if (Result r = rememberRegion(region); !r)
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
        const QString entryPath = folder + QLatin1Char('/') + QLatin1String(EntryFile);
        // Regular files only, bounded, no symlink: a FIFO or a link planted in the index is not read.
        const auto read = SafeFile::read(entryPath, 1 << 20, m_folder);
        if (!read)
            continue; // being recorded, or not ours
        const QByteArray& text = *read;
        const QJsonObject json = QJsonDocument::fromJson(text).object();
        const Result checked = json.value(QStringLiteral("schema")).toInt() == SchemaVersion
            ? StateRules::checkIndexEntry(text, entryPath)
            : Result::badInput(QStringLiteral("%1: not a schema this version reads").arg(entryPath));
        const ResultOf<DeploymentState> loaded
            = checked ? DeploymentState::load(folder, DeploymentState::Trust::Own) : ResultOf<DeploymentState>(checked);
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
        e.state = *loaded;
        result << e;
    }
    std::sort(result.begin(), result.end(), [](const Entry& a, const Entry& b) { return a.recordedAt > b.recordedAt; });
    return result;
}

ResultOf<QString> DeploymentIndex::restore(const Entry& entry) const
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
    if (QFileInfo::exists(stateDir + QLatin1Char('/') + QLatin1String(DeploymentState::FileName)))
        return dir;
    if (!QDir().mkpath(stateDir))
        return Result::failed(QStringLiteral("%1: cannot create").arg(stateDir));
    // The configuration and state this user's Logistician wrote, into the working folder of the
    // state folder the deployment comes back at (a recovered folder has an entry of its own).
    if (const QString workDir = terraformDir(stateDir, entry.state.experiment);
        !entry.terraformCopy().isEmpty() && canonical(entry.terraformCopy()) != canonical(workDir)) {
        if (Result r = copyTerraform(entry.terraformCopy(), workDir); !r)
            return r;
    }
    if (Result saved = entry.state.save(stateDir); !saved)
        return saved;
    return dir;
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

QString DeploymentIndex::sshDir() const
{
    return m_folder + QLatin1Char('/') + QLatin1String(SshFolder);
}

QStringList DeploymentIndex::knownRegions() const
{
    QFile file(m_folder + QLatin1Char('/') + QLatin1String(RegionsFile));
    if (!file.open(QIODevice::ReadOnly))
        return {};
    // Read back from a file this user may have edited: only a region's shape reaches the aws command line.
    static const QRegularExpression shape(QStringLiteral("^[a-z]{2}(-[a-z]+)+-[0-9]{1,2}$"));
    QStringList regions;
    for (const QJsonValue& v :
         QJsonDocument::fromJson(file.readAll()).object().value(QStringLiteral("regions")).toArray()) {
        if (shape.match(v.toString()).hasMatch() && !regions.contains(v.toString()))
            regions << v.toString();
    }
    return regions;
}

Result DeploymentIndex::rememberRegion(const QString& region) const
{
    QStringList regions = knownRegions();
    if (regions.contains(region))
        return Result::ok();
    regions << region;
    return writeJson(m_folder + QLatin1Char('/') + QLatin1String(RegionsFile),
                     QJsonObject { { QStringLiteral("regions"), QJsonArray::fromStringList(regions) } });
}

QList<DeploymentIndex::KnownHost> DeploymentIndex::readKnownHosts() const
{
    QFile file(sshDir() + QLatin1Char('/') + QLatin1String(KnownHostsFile));
    if (!file.open(QIODevice::ReadOnly))
        return {};
    QList<KnownHost> hosts;
    // Read back from a file anyone with this user's rights may have edited: each value passes the rule its
    // parameters.json key has before it reaches ssh or docker.
    for (const QJsonValue& v :
         QJsonDocument::fromJson(file.readAll()).object().value(QStringLiteral("hosts")).toArray()) {
        KnownHost h { v.toObject().value(QStringLiteral("address")).toString(),
                      v.toObject().value(QStringLiteral("docker")).toString() };
        QString why = ParameterRules::host(h.address);
        if (why.isEmpty())
            why = ParameterRules::dockerCommand(h.docker);
        if (!why.isEmpty()) {
            qCWarning(lcDeploy) << "skipping a known ssh host of" << file.fileName() << why;
            continue;
        }
        if (!hosts.contains(h))
            hosts << h;
    }
    return hosts;
}

Result DeploymentIndex::writeKnownHosts(const QList<KnownHost>& hosts) const
{
    QJsonArray list;
    for (const KnownHost& h : hosts)
        list.append(QJsonObject { { QStringLiteral("address"), h.address }, { QStringLiteral("docker"), h.docker } });
    if (!QDir().mkpath(sshDir()))
        return Result::failed(QStringLiteral("%1: cannot create").arg(sshDir()));
    QFile::setPermissions(sshDir(), QFile::ReadOwner | QFile::WriteOwner | QFile::ExeOwner);
    return writeJson(sshDir() + QLatin1Char('/') + QLatin1String(KnownHostsFile),
                     QJsonObject { { QStringLiteral("hosts"), list } });
}

Result DeploymentIndex::rememberHosts(const QString& experimentDir, const QString& stateDir,
                                      const DeploymentState& state)
{
    const auto parameters = Parameters::load(experimentDir + QLatin1Char('/') + QLatin1String(ParametersFile));
    const QString docker = parameters ? parameters->remoteDockerCommand() : QStringLiteral("docker");
    QList<KnownHost> hosts = readKnownHosts();
    bool changed = false;
    for (const DeploymentState::Host& host : state.hosts) {
        const KnownHost h { host.address, docker };
        if (!hosts.contains(h) && ParameterRules::host(h.address).isEmpty()) {
            hosts << h;
            changed = true;
        }
    }
    if (changed) {
        if (Result r = writeKnownHosts(hosts); !r)
            return r;
    }
    // The host keys the experiment's ssh learnt, so a later scan checks them rather than trusting anew.
    // The project's folder is not ours to trust (it may have come with a clone): only a plain key line
    // ("HOST KEYTYPE BASE64") for a host this deployment recorded is taken; markers such as
    // "@cert-authority *", wildcards and other hosts are not.
    const auto theirs = SafeFile::read(stateDir + QStringLiteral("/known_hosts"), 1024 * 1024);
    if (!theirs)
        return Result::ok();
    QStringList names;
    for (const DeploymentState::Host& host : state.hosts) {
        if (host.address == QLatin1String("local"))
            continue;
        names << (host.port() == 22 ? host.hostName()
                                    : QStringLiteral("[%1]:%2").arg(host.hostName()).arg(host.port()));
    }
    static const QRegularExpression keyLine(
        QStringLiteral("^([^@\\s][^\\s,*?!]*) ((?:ssh|ecdsa-sha2|sk-)[A-Za-z0-9@.-]*) "
                       "([A-Za-z0-9+/]+={0,2})$"));
    const QString oursPath = sshDir() + QStringLiteral("/known_hosts");
    QFile ours(oursPath);
    const QByteArray have = ours.open(QIODevice::ReadOnly) ? ours.readAll() : QByteArray();
    ours.close();
    const QList<QByteArray> haveLines = have.split('\n');
    QByteArray added;
    for (const QByteArray& line : theirs->split('\n')) {
        const QRegularExpressionMatch m = keyLine.match(QString::fromUtf8(line));
        if (m.hasMatch() && namesHost(m.captured(1), names) && !haveLines.contains(line))
            added += line + '\n';
    }
    if (added.isEmpty())
        return Result::ok();
    QDir().mkpath(sshDir());
    return SafeFile::write(oursPath, have + added);
}

QList<DeploymentIndex::KnownHost> DeploymentIndex::knownHosts() const
{
    QList<KnownHost> hosts = readKnownHosts();
    // Entries recorded before the list was kept: their ssh hosts, with the docker command of their parameters.
    for (const Entry& e : entries()) {
        if (!BackendRegistry::traits(e.state.backend).usesHostList)
            continue;
        const ResultOf<Parameters> parameters = e.parametersCopy().isEmpty()
            ? ResultOf<Parameters>(Result::notFound(QStringLiteral("no copy of parameters.json")))
            : Parameters::load(e.parametersCopy());
        const QString docker = parameters ? parameters->remoteDockerCommand() : QStringLiteral("docker");
        for (const DeploymentState::Host& host : e.state.hosts) {
            const KnownHost h { host.address, docker };
            if (!hosts.contains(h) && ParameterRules::host(h.address).isEmpty())
                hosts << h;
        }
    }
    return hosts;
}

Result DeploymentIndex::forgetKnownHost(const KnownHost& host)
{
    for (const Entry& e : entries()) {
        for (const DeploymentState::Host& h : e.state.hosts) {
            if (BackendRegistry::traits(e.state.backend).usesHostList && h.address == host.address)
                return Result::ok();
        }
    }
    QList<KnownHost> hosts = readKnownHosts();
    if (!hosts.removeAll(host))
        return Result::ok();
    return writeKnownHosts(hosts);
}
