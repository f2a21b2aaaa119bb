#include "CredentialStatus.h"

#include <QCoreApplication>

namespace CredentialStatus {

QString describe(const CredentialStore::Reply& reply, CredentialStore::Secret secret)
{
    auto tr = [](const char* s) { return QCoreApplication::translate("CredentialStatus", s); };
    switch (reply.status) {
    case CredentialStore::Reply::Status::Ok:
        if (reply.fromEnvironment)
            return tr("Set by the environment variable %1").arg(CredentialStore::environmentVariable(secret));
        return tr("Stored in the keychain");
    case CredentialStore::Reply::Status::NotFound:
        return tr("Not stored");
    case CredentialStore::Reply::Status::NoBackend:
        return tr("No keychain available: %1").arg(reply.message);
    case CredentialStore::Reply::Status::Error:
        return tr("Keychain error: %1").arg(reply.message);
    }
    return QString();
}

bool isStored(const CredentialStore::Reply& reply)
{
    return reply.ok();
}

} // namespace CredentialStatus
