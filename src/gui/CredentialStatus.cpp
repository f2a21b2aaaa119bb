// SPDX-License-Identifier: MIT
#include "CredentialStatus.h"

#include <QCoreApplication>

namespace CredentialStatus {

QString describe(const CredentialStore::Reply& reply, CredentialStore::Secret secret)
{
    auto tr = [](const char* s) { return QCoreApplication::translate("CredentialStatus", s); };
    switch (reply.kind()) {
    case Result::Kind::Ok:
        if (reply.fromEnvironment)
            return tr("Set by the environment variable %1").arg(CredentialStore::environmentVariable(secret));
        return tr("Stored in the keychain");
    case Result::Kind::NotFound:
        return tr("Not stored");
    case Result::Kind::Unavailable:
        return tr("No keychain available: %1").arg(reply.result.message());
    case Result::Kind::BadInput:
    case Result::Kind::Cancelled:
    case Result::Kind::Failed:
        break;
    }
    return tr("Keychain error: %1").arg(reply.result.message());
}

bool isStored(const CredentialStore::Reply& reply)
{
    return reply.ok();
}

} // namespace CredentialStatus
