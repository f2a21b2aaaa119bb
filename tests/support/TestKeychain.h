// SPDX-License-Identifier: MIT
#pragma once

#include "CredentialStore.h"

#include <QList>
#include <QString>

// The real Secret Service, for tests: a keychain service name no user has, and
// synchronous reads and removals (tests may wait; the app never does).
namespace TestKeychain {

QString uniqueService();
// Reads a secret under service; a failed reply when it timed out.
CredentialStore::Reply read(const QString& service, CredentialStore::Secret secret);
// Removes the secrets; false when the keychain did not answer in time.
bool remove(const QString& service, const QList<CredentialStore::Secret>& secrets);

} // namespace TestKeychain
