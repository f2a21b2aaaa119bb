// SPDX-License-Identifier: MIT
#pragma once

#include "CredentialStore.h"

#include <QString>

// How a secret's presence is shown: never its value, only where it comes from.
namespace CredentialStatus {

QString describe(const CredentialStore::Reply& reply, CredentialStore::Secret secret);
bool isStored(const CredentialStore::Reply& reply);

} // namespace CredentialStatus
