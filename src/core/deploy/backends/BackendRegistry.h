// SPDX-License-Identifier: MIT
#pragma once

#include "Result.h"
#include "deploy/Backend.h"
#include "deploy/BackendTraits.h"

#include <functional>
#include <memory>

// The backends by name: their traits for the front ends, and a new one for a deployment. The built-in
// ones are listed in Backends.cmake, one name each; add() registers another (a test's, say) at run time.
namespace BackendRegistry {

using Factory = std::function<std::unique_ptr<Backend>(const Backend::Context&)>;

struct Entry
{
    BackendTraits traits;
    Factory factory;
    // Backend's static questions, the subclass's own or Backend's defaults.
    QString (*conditionDetail)(const DeploymentState::Condition&) = &Backend::conditionDetail;
    MachinePrice (*machinePriceAt)(const QString&, const QString&) = &Backend::machinePriceAt;
    MachinePrice (*machinePriceFor)(const Parameters&) = &Backend::machinePriceFor;
    MachinePrice (*storagePriceFor)(const Parameters&) = &Backend::storagePriceFor;
    MachineInventory* (*makeInventory)(QObject*) = &Backend::makeInventory;
};

// The entry of a Backend subclass with `static BackendTraits describe()` and a constructor taking the Context.
template<class B> Entry entry()
{
    Entry e;
    e.traits = B::describe();
    e.factory = [](const Backend::Context& context) { return std::make_unique<B>(context); };
    e.conditionDetail = &B::conditionDetail;
    e.machinePriceAt = &B::machinePriceAt;
    e.machinePriceFor = &B::machinePriceFor;
    e.storagePriceFor = &B::storagePriceFor;
    e.makeInventory = &B::makeInventory;
    return e;
}

// The built-in backends: generated from LOGISTICIAN_BACKENDS (Backends.cmake beside this file).
QList<Entry> builtIns();

// Registers a backend; one of the same name is replaced.
void add(const Entry& entry);
template<class B> void add()
{
    add(entry<B>());
}

// The registered names, sorted.
QStringList names();
bool has(const QString& name);
// The traits of a registered backend; for another name, an unknown remote one labelled by its name.
BackendTraits traits(const QString& name);
// Every registered backend's traits in the order to offer them: this machine first, then by name, those that
// cost money last.
QList<BackendTraits> all();
// The first backend, in all() order, with these traits; empty when none has them.
QString find(const std::function<bool(const BackendTraits&)>& has);
// Backend::conditionDetail of the named backend: what status and the board add to a condition's phase.
QString conditionDetail(const QString& name, const DeploymentState::Condition& condition);
// Backend::machinePriceAt and machinePriceFor of the named backend; unknown for a name not registered.
MachinePrice machinePrice(const QString& name, const QString& place, const QString& machine);
MachinePrice machinePrice(const QString& name, const Parameters& parameters);
// Backend::storagePriceFor of the named backend (per GiB-month); unknown for a name not registered.
MachinePrice storagePrice(const QString& name, const Parameters& parameters);
// The inventories of the backends that can find their machines through a cloud's API (Backend::makeInventory),
// owned by parent; empty when none can.
QList<MachineInventory*> inventories(QObject* parent);
// nullptr and *error (bad input, naming the known ones) for a name not registered.
ResultOf<std::unique_ptr<Backend>> create(const QString& name, const Backend::Context& context);

} // namespace BackendRegistry
