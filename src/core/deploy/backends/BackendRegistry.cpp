// SPDX-License-Identifier: MIT
#include "BackendRegistry.h"

#include "deploy/MachineInventory.h"

#include <QMap>
#include <QMutex>
#include <QMutexLocker>
#include <algorithm>
#include <tuple>

namespace BackendRegistry {

namespace {

QMutex& lock()
{
    static QMutex mutex;
    return mutex;
}

// Read and changed under lock(): the plan is asked on worker threads.
QMap<QString, Entry>& entries()
{
    static QMap<QString, Entry> map = [] {
        QMap<QString, Entry> builtIn;
        for (const Entry& e : builtIns())
            builtIn.insert(e.traits.name, e);
        return builtIn;
    }();
    return map;
}

// The named entry, or a default one (Backend's answers) for a name not registered.
Entry entryOf(const QString& name)
{
    QMutexLocker locker(&lock());
    return entries().value(name);
}

} // namespace

void add(const Entry& entry)
{
    QMutexLocker locker(&lock());
    entries().insert(entry.traits.name, entry);
}

QStringList names()
{
    QMutexLocker locker(&lock());
    return entries().keys();
}

bool has(const QString& name)
{
    QMutexLocker locker(&lock());
    return entries().contains(name);
}

BackendTraits traits(const QString& name)
{
    QMutexLocker locker(&lock());
    const auto found = entries().constFind(name);
    if (found != entries().cend())
        return found->traits;
    BackendTraits unknown;
    unknown.name = name;
    unknown.label = name;
    return unknown;
}

QList<BackendTraits> all()
{
    QMutexLocker locker(&lock());
    QList<BackendTraits> list;
    for (const Entry& e : std::as_const(entries()))
        list << e.traits;
    std::stable_sort(list.begin(), list.end(), [](const BackendTraits& a, const BackendTraits& b) {
        return std::make_tuple(a.costsMoney, a.remote) < std::make_tuple(b.costsMoney, b.remote);
    });
    return list;
}

QString find(const std::function<bool(const BackendTraits&)>& has)
{
    for (const BackendTraits& t : all()) {
        if (has(t))
            return t.name;
    }
    return QString();
}

QList<MachineInventory*> inventories(QObject* parent)
{
    QList<MachineInventory*> out;
    for (const QString& name : names()) {
        if (MachineInventory* inventory = entryOf(name).makeInventory(parent))
            out << inventory;
    }
    return out;
}

QString conditionDetail(const QString& name, const DeploymentState::Condition& condition)
{
    return entryOf(name).conditionDetail(condition);
}

MachinePrice machinePrice(const QString& name, const QString& place, const QString& machine)
{
    return entryOf(name).machinePriceAt(place, machine);
}

MachinePrice machinePrice(const QString& name, const Parameters& parameters)
{
    return entryOf(name).machinePriceFor(parameters);
}

MachinePrice storagePrice(const QString& name, const Parameters& parameters)
{
    return entryOf(name).storagePriceFor(parameters);
}

ResultOf<std::unique_ptr<Backend>> create(const QString& name, const Backend::Context& context)
{
    Factory factory;
    {
        QMutexLocker locker(&lock());
        const auto found = entries().constFind(name);
        if (found != entries().cend())
            factory = found->factory;
    }
    if (factory)
        return factory(context);
    return Result::badInput(
        QStringLiteral("unknown backend \"%1\"; one of: %2").arg(name, names().join(QStringLiteral(", "))));
}

} // namespace BackendRegistry
