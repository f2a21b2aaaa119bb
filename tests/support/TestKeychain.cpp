// SPDX-License-Identifier: MIT
#include "TestKeychain.h"

#include <QTest>
#include <QUuid>

namespace TestKeychain {

QString uniqueService()
{
    return QStringLiteral("logistician-test-") + QUuid::createUuid().toString(QUuid::WithoutBraces);
}

CredentialStore::Reply read(const QString& service, CredentialStore::Secret secret)
{
    CredentialStore store;
    store.setService(service);
    CredentialStore::Reply result;
    result.result = Result::failed(QStringLiteral("the keychain did not answer in time"));
    bool done = false;
    store.read(secret, [&](const CredentialStore::Reply& reply) {
        result = reply;
        done = true;
    });
    if (!QTest::qWaitFor([&] { return done; }, 20000))
        qWarning("the keychain did not answer in 20 s");
    return result;
}

bool remove(const QString& service, const QList<CredentialStore::Secret>& secrets)
{
    CredentialStore store;
    store.setService(service);
    int done = 0;
    for (CredentialStore::Secret secret : secrets)
        store.remove(secret, [&](const CredentialStore::Reply&) { ++done; });
    return QTest::qWaitFor([&] { return done == secrets.size(); }, 20000);
}

} // namespace TestKeychain
