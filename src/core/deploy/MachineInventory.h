// SPDX-License-Identifier: MIT
#pragma once

#include <QList>
#include <QObject>
#include <QString>
#include <QStringList>

// What a cloud itself holds of this user's Logistician machines, found through its API by their tags: for when
// the project folder and the deployment index entry are both gone, so no state names them. A backend that can
// look offers one (Backend::makeInventory, BackendRegistry::inventory); `list` shows what it finds and
// `terminate --experiment NAME` (Orphans::Termination) removes it.
class MachineInventory : public QObject
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

    using QObject::QObject;

    // Looks everywhere this user deployed (experiment empty: every experiment's machines; else that experiment's
    // machines and what else it made). finished() follows, also when nothing could be asked (error()).
    virtual void find(const QString& experiment) = 0;
    // Removes what find() found and waits until the cloud says it is gone. finished() follows.
    virtual void remove() = 0;

    const QList<Instance>& instances() const { return m_instances; }
    const QList<Leftover>& leftovers() const { return m_leftovers; }
    bool isEmpty() const { return m_instances.isEmpty() && m_leftovers.isEmpty(); }
    // What went wrong ("; "-joined); empty when all went well.
    QString error() const { return m_errors.join(QStringLiteral("; ")); }

Q_SIGNALS:
    void progress(const QString& message);
    void finished();

protected:
    QString m_experiment;
    QList<Instance> m_instances;
    QList<Leftover> m_leftovers;
    QStringList m_errors;
};
