// SPDX-License-Identifier: MIT
#include "CredentialStore.h"

#include <QProcess>
#include <QSignalSpy>
#include <QTest>
#include <QUuid>
#include <qt6keychain/keychain.h>

// Against the real Secret Service: scripts/test.sh runs the suite inside
// dbus-run-session with an unlocked gnome-keyring.
class TestCredentialStore : public QObject
{
    Q_OBJECT
private:
    CredentialStore::Reply call(const std::function<void(CredentialStore::Callback)>& f)
    {
        CredentialStore::Reply result;
        bool done = false;
        f([&](const CredentialStore::Reply& r) {
            result = r;
            done = true;
        });
        if (!QTest::qWaitFor([&] { return done; }, 20000))
            QTest::qFail("keychain call timed out", __FILE__, __LINE__);
        return result;
    }

    CredentialStore m_store;

private Q_SLOTS:
    void initTestCase()
    {
        if (qEnvironmentVariableIsEmpty("DBUS_SESSION_BUS_ADDRESS"))
            QFAIL("no D-Bus session: run the tests through scripts/test.sh, which starts the keychain");
        m_store.setService("logistician-test-" + QUuid::createUuid().toString(QUuid::WithoutBraces));
        qunsetenv("LOGISTICIAN_REGISTRY_PASSWORD");
        qunsetenv("AWS_SECRET_ACCESS_KEY");
    }

    void writeReadReplaceDelete()
    {
        using S = CredentialStore::Secret;
        auto missing = call([&](auto cb) { m_store.read(S::RegistryPassword, cb); });
        QCOMPARE(missing.kind(), Result::Kind::NotFound);

        auto written = call([&](auto cb) { m_store.write(S::RegistryPassword, "pa ss'word$1", cb); });
        QVERIFY2(written.ok(), qPrintable(written.result.message()));
        auto read = call([&](auto cb) { m_store.read(S::RegistryPassword, cb); });
        QVERIFY2(read.ok(), qPrintable(read.result.message()));
        QCOMPARE(read.value, QString("pa ss'word$1"));
        QVERIFY(!read.fromEnvironment);

        QVERIFY(call([&](auto cb) { m_store.write(S::RegistryPassword, "second", cb); }).ok());
        QCOMPARE(call([&](auto cb) { m_store.read(S::RegistryPassword, cb); }).value, QString("second"));

        QVERIFY(call([&](auto cb) { m_store.remove(S::RegistryPassword, cb); }).ok());
        QCOMPARE(call([&](auto cb) { m_store.read(S::RegistryPassword, cb); }).kind(), Result::Kind::NotFound);
        // Removing again is not an error.
        QVERIFY(call([&](auto cb) { m_store.remove(S::RegistryPassword, cb); }).ok());
    }

    void environmentOverridesKeychain()
    {
        using S = CredentialStore::Secret;
        QVERIFY(call([&](auto cb) { m_store.write(S::AwsSecretAccessKey, "from-keychain", cb); }).ok());
        qputenv("AWS_SECRET_ACCESS_KEY", "from-env");
        auto read = call([&](auto cb) { m_store.read(S::AwsSecretAccessKey, cb); });
        qunsetenv("AWS_SECRET_ACCESS_KEY");
        QVERIFY(read.ok());
        QCOMPARE(read.value, QString("from-env"));
        QVERIFY(read.fromEnvironment);
        QVERIFY(call([&](auto cb) { m_store.remove(S::AwsSecretAccessKey, cb); }).ok());
    }

    void environmentAnswersAsynchronously()
    {
        // Documented as always asynchronous: the environment's answer comes from
        // the event loop too, never inside read() (it once came synchronously).
        qputenv("LOGISTICIAN_REGISTRY_PASSWORD", "from-env");
        bool called = false;
        CredentialStore::Reply reply;
        m_store.read(CredentialStore::Secret::RegistryPassword, [&](const CredentialStore::Reply& r) {
            reply = r;
            called = true;
        });
        qunsetenv("LOGISTICIAN_REGISTRY_PASSWORD");
        QVERIFY(!called);
        QTRY_VERIFY_WITH_TIMEOUT(called, 5000);
        QVERIFY(reply.ok());
        QCOMPARE(reply.value, QString("from-env"));
        QVERIFY(reply.fromEnvironment);
    }

    // Issue 27: the three entries were all labelled "logistician" in the keychain's own tools. Each is
    // "SERVICE: LABEL" now, and an entry from before (the shared service name) is still read, then moved.
    void eachSecretHasItsOwnLabelAndOldEntriesStillRead()
    {
        using S = CredentialStore::Secret;
        qunsetenv("AWS_ACCESS_KEY_ID");
        auto* legacy = new QKeychain::WritePasswordJob(m_store.service());
        legacy->setKey(CredentialStore::keyName(S::AwsAccessKeyId));
        legacy->setTextData("AKIDLEGACY");
        QSignalSpy finished(legacy, &QKeychain::Job::finished);
        legacy->start();
        QVERIFY(finished.wait(20000));
        QCOMPARE(call([&](auto cb) { m_store.read(S::AwsAccessKeyId, cb); }).value, QString("AKIDLEGACY"));

        QVERIFY(call([&](auto cb) { m_store.write(S::AwsAccessKeyId, "AKIDNEW", cb); }).ok());
        QProcess tool;
        tool.start("secret-tool", { "search", "--all", "user", CredentialStore::keyName(S::AwsAccessKeyId) });
        QVERIFY(tool.waitForFinished(20000));
        const QByteArray found = tool.readAllStandardOutput() + tool.readAllStandardError();
        const QByteArray label = "label = " + m_store.service().toUtf8() + ": AWS access key ID";
        QVERIFY2(found.contains(label), found.constData());
        QVERIFY2(!found.contains("label = " + m_store.service().toUtf8() + "\n"), "the old entry is still there");
        QCOMPARE(call([&](auto cb) { m_store.read(S::AwsAccessKeyId, cb); }).value, QString("AKIDNEW"));
        QVERIFY(call([&](auto cb) { m_store.remove(S::AwsAccessKeyId, cb); }).ok());
        QCOMPARE(call([&](auto cb) { m_store.read(S::AwsAccessKeyId, cb); }).kind(), Result::Kind::NotFound);
    }

    void missingEntryIsNotFoundByItsCode()
    {
        qunsetenv("AWS_ACCESS_KEY_ID");
        auto missing = call([&](auto cb) { m_store.read(CredentialStore::Secret::AwsAccessKeyId, cb); });
        QCOMPARE(missing.kind(), Result::Kind::NotFound);
        QCOMPARE(missing.result.exitCode(), 1);
    }
};

QTEST_GUILESS_MAIN(TestCredentialStore)
#include "TestCredentialStore.moc"
