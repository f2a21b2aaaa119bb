// SPDX-License-Identifier: MIT
#pragma once

#include "Result.h"
#include "deploy/Backend.h"
#include "deploy/BackendTraits.h"

#include <functional>
#include <memory>

// The backends by name: their traits for the front ends, and a new one for a deployment. The built-in
// ones are listed in Registry.cpp, one line each; add() registers another (a test's, say) at run time.
namespace BackendRegistry {

using Factory = std::function<std::unique_ptr<Backend>(const Backend::Context&)>;

struct Entry
{
    BackendTraits traits;
    Factory factory;
};

// The entry of a Backend subclass with `static BackendTraits describe()` and a constructor taking the Context.
template<class B> Entry entry()
{
    return { B::describe(), [](const Backend::Context& context) { return std::make_unique<B>(context); } };
}

// The built-in backends (Registry.cpp).
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
// nullptr and *error (bad input, naming the known ones) for a name not registered.
ResultOf<std::unique_ptr<Backend>> create(const QString& name, const Backend::Context& context);

} // namespace BackendRegistry
