// SPDX-License-Identifier: MIT
#pragma once

#include "Command.h"

#include <QList>
#include <QMap>
#include <QObject>
#include <QString>
#include <QStringList>
#include <functional>

// What EC2 itself holds of this user's Logistician machines, found through the API by their tags (managed_by,
// experiment) with the user's keys: for when the project folder and the deployment index entry are both gone,
// so no Terraform state names them. `list` shows them; `terminate --experiment NAME` terminates the instances by
// their IDs, waits until EC2 says they are, then deletes the experiment's security groups and key pairs (by their
// tag and name). Runs the aws CLI (AWS_ENDPOINT_URL honoured), never terraform: there is no state to run it on.
class Ec2Inventory : public QObject
{
    Q_OBJECT
public:
    struct Instance
    {
        QString id;
        QString region;
        QString state; // pending, running, stopping, stopped
        QString experiment; // its tag
        QString slug; // condition_slug
        QString commit;
        QString publicIp;
    };
    struct Leftover
    {
        QString region;
        QString kind; // "security group" or "key pair"
        QString id; // the group's ID, the key pair's name
    };

    explicit Ec2Inventory(QObject* parent = nullptr);

    // The regions asked: the regions the index remembers (DeploymentIndex::knownRegions), the default region of
    // the settings and AWS_REGION / AWS_DEFAULT_REGION.
    static QStringList regions();
    // Why EC2 cannot be asked here (no aws CLI); empty when it can.
    static QString unavailable();

    // Looks in every region (experiment empty: the instances of every experiment; else that experiment's
    // instances, security groups and key pairs). finished() follows, also when nothing could be asked (error()).
    void find(const QString& experiment);
    // Terminates the instances find() found and waits until EC2 says they are, then deletes its security groups
    // and key pairs. finished() follows.
    void remove();

    const QList<Instance>& instances() const { return m_instances; }
    const QList<Leftover>& leftovers() const { return m_leftovers; }
    bool isEmpty() const { return m_instances.isEmpty() && m_leftovers.isEmpty(); }
    // What went wrong ("; "-joined); empty when all went well.
    QString error() const { return m_errors.join(QStringLiteral("; ")); }

    // The aws command for a region with the keys (marked secret); public for tests.
    static Command awsCommand(const QString& region, const QStringList& args, const QMap<QString, QString>& keys);

Q_SIGNALS:
    void progress(const QString& message);
    void finished();

private:
    void withKeys(std::function<void(const QMap<QString, QString>&)> then);

    QString m_experiment;
    QList<Instance> m_instances;
    QList<Leftover> m_leftovers;
    QStringList m_errors;
};
