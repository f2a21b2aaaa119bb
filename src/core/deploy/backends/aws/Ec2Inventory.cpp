// SPDX-License-Identifier: MIT
#include "Ec2Inventory.h"

#include "CommandRunner.h"
#include "CredentialStore.h"
#include "Result.h"
#include "Settings.h"
#include "workspace/DeploymentIndex.h"

#include <QFutureWatcher>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcessEnvironment>
#include <QRegularExpression>
#include <QStandardPaths>
#include <QtConcurrent/QtConcurrentRun>
#include <memory>

namespace {

const QRegularExpression& regionShape()
{
    static const QRegularExpression shape(QStringLiteral("^[a-z]{2}(-[a-z]+)+-[0-9]{1,2}$"));
    return shape;
}

// What went to the API and came back, as JSON; an error when the aws command failed.
ResultOf<QJsonObject> ask(const Command& command, int timeoutMs)
{
    const CommandOutcome o = CommandRunner::runAndWait(command, timeoutMs);
    if (!o.ok())
        return Result::failed(
            QStringLiteral("aws %1 failed: %2").arg(command.arguments.value(1), command.redact(o.errorText())));
    return QJsonDocument::fromJson(o.out).object();
}

QMap<QString, QString> tags(const QJsonObject& o)
{
    QMap<QString, QString> out;
    for (const QJsonValue& t : o.value(QStringLiteral("Tags")).toArray())
        out.insert(t.toObject().value(QStringLiteral("Key")).toString(),
                   t.toObject().value(QStringLiteral("Value")).toString());
    return out;
}

// Terraform's name_prefix and key_name_prefix: logistician-EXPERIMENT- and a unique number. Another experiment
// whose name starts the same (EXPERIMENT-2) has a '-' after the prefix, so is not taken.
bool isNameOf(const QString& name, const QString& experiment)
{
    const QString prefix = QStringLiteral("logistician-") + experiment.toLower() + QLatin1Char('-');
    static const QRegularExpression unique(QStringLiteral("^[0-9]{8,40}$"));
    return name.startsWith(prefix) && unique.match(name.mid(prefix.size())).hasMatch();
}

struct Looked
{
    QList<Ec2Inventory::Instance> instances;
    QList<Ec2Inventory::Leftover> leftovers;
    QStringList errors;
};

Looked look(const QStringList& regions, const QString& experiment, const QMap<QString, QString>& keys)
{
    Looked out;
    static const QRegularExpression instanceId(QStringLiteral("^i-[0-9a-f]{8,17}$"));
    static const QRegularExpression groupId(QStringLiteral("^sg-[0-9a-f]{8,17}$"));
    for (const QString& region : regions) {
        QStringList filters { QStringLiteral("Name=tag:managed_by,Values=logistician"),
                              QStringLiteral("Name=instance-state-name,Values=pending,running,stopping,stopped") };
        if (!experiment.isEmpty())
            filters << QStringLiteral("Name=tag:experiment,Values=%1").arg(experiment);
        const auto described
            = ask(Ec2Inventory::awsCommand(region,
                                           QStringList { QStringLiteral("ec2"), QStringLiteral("describe-instances"),
                                                         QStringLiteral("--filters") }
                                               + filters,
                                           keys)
                      .asQuery(),
                  120000);
        if (!described) {
            out.errors << QStringLiteral("%1: %2").arg(region, described.message());
            continue;
        }
        for (const QJsonValue& r : described->value(QStringLiteral("Reservations")).toArray()) {
            for (const QJsonValue& v : r.toObject().value(QStringLiteral("Instances")).toArray()) {
                const QJsonObject i = v.toObject();
                const QMap<QString, QString> t = tags(i);
                Ec2Inventory::Instance found {
                    i.value(QStringLiteral("InstanceId")).toString(),
                    region,
                    i.value(QStringLiteral("State")).toObject().value(QStringLiteral("Name")).toString(),
                    t.value(QStringLiteral("experiment")),
                    t.value(QStringLiteral("condition_slug")),
                    t.value(QStringLiteral("commit")),
                    i.value(QStringLiteral("PublicIpAddress")).toString()
                };
                // Only what the filter asked for, and an ID that can go on a command line.
                if (instanceId.match(found.id).hasMatch()
                    && t.value(QStringLiteral("managed_by")) == QLatin1String("logistician")
                    && (experiment.isEmpty() || found.experiment == experiment))
                    out.instances << found;
            }
        }
        if (experiment.isEmpty())
            continue;
        // The experiment's security groups (tagged with it, named after it) and key pairs (named after it).
        const auto groups
            = ask(Ec2Inventory::awsCommand(region,
                                           { QStringLiteral("ec2"), QStringLiteral("describe-security-groups"),
                                             QStringLiteral("--filters"),
                                             QStringLiteral("Name=tag:experiment,Values=%1").arg(experiment) },
                                           keys)
                      .asQuery(),
                  120000);
        for (const QJsonValue& v : groups.valueOr(QJsonObject()).value(QStringLiteral("SecurityGroups")).toArray()) {
            const QJsonObject g = v.toObject();
            const QString id = g.value(QStringLiteral("GroupId")).toString();
            if (groupId.match(id).hasMatch() && isNameOf(g.value(QStringLiteral("GroupName")).toString(), experiment)
                && tags(g).value(QStringLiteral("experiment")) == experiment)
                out.leftovers << Ec2Inventory::Leftover { region, QStringLiteral("security group"), id };
        }
        const auto pairs = ask(
            Ec2Inventory::awsCommand(region, { QStringLiteral("ec2"), QStringLiteral("describe-key-pairs") }, keys)
                .asQuery(),
            120000);
        for (const QJsonValue& v : pairs.valueOr(QJsonObject()).value(QStringLiteral("KeyPairs")).toArray()) {
            const QString name = v.toObject().value(QStringLiteral("KeyName")).toString();
            if (isNameOf(name, experiment))
                out.leftovers << Ec2Inventory::Leftover { region, QStringLiteral("key pair"), name };
        }
        for (const auto* asked : { &groups, &pairs }) {
            if (!*asked)
                out.errors << QStringLiteral("%1: %2").arg(region, asked->message());
        }
    }
    return out;
}

QStringList removeAll(const QList<Ec2Inventory::Instance>& instances, const QList<Ec2Inventory::Leftover>& leftovers,
                      const QMap<QString, QString>& keys, const std::function<void(const QString&)>& said)
{
    QStringList errors;
    QMap<QString, QStringList> byRegion;
    for (const Ec2Inventory::Instance& i : instances)
        byRegion[i.region] << i.id;
    QStringList regionsFailed;
    for (auto it = byRegion.cbegin(); it != byRegion.cend(); ++it) {
        said(QStringLiteral("terminating %1 EC2 instance(s) in %2: %3")
                 .arg(it.value().size())
                 .arg(it.key(), it.value().join(QStringLiteral(", "))));
        ResultOf<QJsonObject> asked
            = ask(Ec2Inventory::awsCommand(it.key(),
                                           QStringList { QStringLiteral("ec2"), QStringLiteral("terminate-instances"),
                                                         QStringLiteral("--instance-ids") }
                                               + it.value(),
                                           keys),
                  120000);
        // The security group stays in use until its instances are terminated.
        if (asked)
            asked = ask(Ec2Inventory::awsCommand(it.key(),
                                                 QStringList { QStringLiteral("ec2"), QStringLiteral("wait"),
                                                               QStringLiteral("instance-terminated"),
                                                               QStringLiteral("--instance-ids") }
                                                     + it.value(),
                                                 keys),
                        15 * 60 * 1000);
        if (!asked) {
            errors << QStringLiteral("%1: %2").arg(it.key(), asked.message());
            regionsFailed << it.key();
        }
    }
    for (const Ec2Inventory::Leftover& l : leftovers) {
        if (regionsFailed.contains(l.region))
            continue; // its instances may still use it: the next terminate deletes it
        said(QStringLiteral("deleting the %1 %2 in %3").arg(l.kind, l.id, l.region));
        const QStringList args = l.kind == QLatin1String("key pair")
            ? QStringList { QStringLiteral("ec2"), QStringLiteral("delete-key-pair"), QStringLiteral("--key-name"),
                            l.id }
            : QStringList { QStringLiteral("ec2"), QStringLiteral("delete-security-group"),
                            QStringLiteral("--group-id"), l.id };
        const auto deleted = ask(Ec2Inventory::awsCommand(l.region, args, keys), 120000);
        if (!deleted)
            errors << QStringLiteral("%1: %2").arg(l.region, deleted.message());
    }
    return errors;
}

} // namespace

Ec2Inventory::Ec2Inventory(QObject* parent)
    : MachineInventory(parent)
{
}

QStringList Ec2Inventory::regions()
{
    // Only where this user's Logistician has deployed: a user who never did is never asked about EC2.
    QStringList out = DeploymentIndex().knownRegions();
    if (out.isEmpty())
        return out;
    const QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    for (const QString& region : { Settings().defaultRegion(), env.value(QStringLiteral("AWS_REGION")),
                                   env.value(QStringLiteral("AWS_DEFAULT_REGION")) }) {
        if (regionShape().match(region).hasMatch() && !out.contains(region))
            out << region;
    }
    return out;
}

QString Ec2Inventory::unavailable()
{
    if (QStandardPaths::findExecutable(QStringLiteral("aws")).isEmpty())
        return QStringLiteral("the aws command (AWS CLI) is not installed, so EC2 was not asked for instances by "
                              "their tags");
    return {};
}

Command Ec2Inventory::awsCommand(const QString& region, const QStringList& args, const QMap<QString, QString>& keys)
{
    Command c;
    c.program = QStringLiteral("aws");
    c.arguments = args
        + QStringList { QStringLiteral("--region"),
                        region,
                        QStringLiteral("--output"),
                        QStringLiteral("json"),
                        QStringLiteral("--cli-connect-timeout"),
                        QStringLiteral("15"),
                        QStringLiteral("--cli-read-timeout"),
                        QStringLiteral("60") };
    c.environment = keys;
    c.environment.insert(QStringLiteral("AWS_PAGER"), QString());
    for (auto it = keys.cbegin(); it != keys.cend(); ++it)
        c.secretEnvironment << it.key();
    return c;
}

void Ec2Inventory::withKeys(std::function<void(const QMap<QString, QString>&)> then)
{
    auto* store = new CredentialStore(this);
    store->read(CredentialStore::Secret::AwsAccessKeyId, [this, store, then](const CredentialStore::Reply& id) {
        if (!id.ok()) {
            store->deleteLater();
            m_errors << QStringLiteral("EC2 not asked: no AWS access key (`logistician setup` stores it)");
            then({});
            return;
        }
        store->read(CredentialStore::Secret::AwsSecretAccessKey,
                    [this, store, then, id = id.value](const CredentialStore::Reply& key) {
                        store->deleteLater();
                        if (!key.ok()) {
                            m_errors << QStringLiteral("EC2 not asked: no AWS secret access key");
                            then({});
                            return;
                        }
                        then({ { QStringLiteral("AWS_ACCESS_KEY_ID"), id },
                               { QStringLiteral("AWS_SECRET_ACCESS_KEY"), key.value } });
                    });
    });
}

void Ec2Inventory::find(const QString& experiment)
{
    m_experiment = experiment;
    m_instances.clear();
    m_leftovers.clear();
    m_errors.clear();
    const QStringList regions = Ec2Inventory::regions();
    if (regions.isEmpty() || !unavailable().isEmpty()) {
        if (!regions.isEmpty())
            m_errors << unavailable();
        QMetaObject::invokeMethod(this, &Ec2Inventory::finished, Qt::QueuedConnection);
        return;
    }
    withKeys([this, regions, experiment](const QMap<QString, QString>& keys) {
        if (keys.isEmpty()) {
            Q_EMIT finished();
            return;
        }
        // The aws command is waited for: on a worker thread, so the caller's thread keeps turning.
        auto* watcher = new QFutureWatcher<Looked>(this);
        connect(watcher, &QFutureWatcher<Looked>::finished, this, [this, watcher] {
            const Looked looked = watcher->result();
            watcher->deleteLater();
            m_instances = looked.instances;
            m_leftovers = looked.leftovers;
            m_errors << looked.errors;
            Q_EMIT finished();
        });
        watcher->setFuture(QtConcurrent::run([regions, experiment, keys] { return look(regions, experiment, keys); }));
    });
}

void Ec2Inventory::remove()
{
    m_errors.clear();
    if (isEmpty()) {
        QMetaObject::invokeMethod(this, &Ec2Inventory::finished, Qt::QueuedConnection);
        return;
    }
    withKeys([this](const QMap<QString, QString>& keys) {
        if (keys.isEmpty()) {
            Q_EMIT finished();
            return;
        }
        auto* watcher = new QFutureWatcher<QStringList>(this);
        connect(watcher, &QFutureWatcher<QStringList>::finished, this, [this, watcher] {
            m_errors << watcher->result();
            watcher->deleteLater();
            Q_EMIT finished();
        });
        const QList<Instance> instances = m_instances;
        const QList<Leftover> leftovers = m_leftovers;
        watcher->setFuture(QtConcurrent::run([this, instances, leftovers, keys] {
            return removeAll(instances, leftovers, keys, [this](const QString& message) { Q_EMIT progress(message); });
        }));
    });
}
