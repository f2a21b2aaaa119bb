// SPDX-License-Identifier: MIT
#include "AsyncCommand.h"
#include "CredentialStore.h"
#include "Docker.h"
#include "Result.h"
#include "original/OriginalConfig.h"

#include <QTemporaryDir>
#include <QTest>
#include <memory>
#include <qt6keychain/keychain.h>

Q_DECLARE_METATYPE(Result)
Q_DECLARE_METATYPE(Result::Kind)

// The one error type: its kinds' exit codes, how a location is written, and
// the error paths of the functions converted to it.
class TestResult : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void exitCodeByKind_data()
    {
        QTest::addColumn<Result>("result");
        QTest::addColumn<int>("code");
        QTest::newRow("ok") << Result::ok() << 0;
        QTest::newRow("default") << Result() << 0;
        QTest::newRow("bad input") << Result::badInput("x") << 2;
        QTest::newRow("located bad input") << Result::badInput("x", SourceLocation { "p.json", 3, 4 }) << 2;
        QTest::newRow("not found") << Result::notFound("x") << 1;
        QTest::newRow("unavailable") << Result::unavailable("x") << 1;
        QTest::newRow("cancelled") << Result::cancelled("x") << 1;
        QTest::newRow("failed") << Result::failed("x") << 1;
    }
    void exitCodeByKind()
    {
        QFETCH(Result, result);
        QFETCH(int, code);
        QCOMPARE(result.exitCode(), code);
        QCOMPARE(Result::exitCode(result.kind()), code);
        QCOMPARE(bool(result), code == 0);
    }

    void locationIsWrittenFileLineColumn()
    {
        QCOMPARE((SourceLocation { "parameters.json", 7, 15 }).toString(), QString("parameters.json:7:15"));
        QCOMPARE((SourceLocation { "parameters.json" }).toString(), QString("parameters.json"));
        QVERIFY(SourceLocation().isNull());

        const Result located
            = Result::badInput("experiment_conditions must be a list of strings", { "parameters.json", 7, 15 });
        QCOMPARE(located.message(), QString("parameters.json:7:15: experiment_conditions must be a list of strings"));
        QCOMPARE(located.what(), QString("experiment_conditions must be a list of strings"));
        QCOMPARE(located.location().line, 7);
        QCOMPARE(Result::badInput("no such file", { "/a/p.json" }).message(), QString("/a/p.json: no such file"));
        QCOMPARE(Result::failed("plain").message(), QString("plain"));
        QVERIFY(Result::failed("plain").location().isNull());
    }

    void commandOutcomeAsResult()
    {
        CommandOutcome done;
        done.exitCode = 0;
        QVERIFY(done.toResult("docker build"));
        CommandOutcome failed;
        failed.exitCode = 3;
        failed.err = "first\nno space left on device\n";
        const Result r = failed.toResult("docker build");
        QCOMPARE(r.kind(), Result::Kind::Failed);
        QVERIFY2(r.message().startsWith("docker build failed: "), qPrintable(r.message()));
        QVERIFY2(r.message().contains("no space left on device"), qPrintable(r.message()));
    }

    void keychainErrorsByCode_data()
    {
        QTest::addColumn<int>("code");
        QTest::addColumn<Result::Kind>("kind");
        QTest::newRow("none") << int(QKeychain::NoError) << Result::Kind::Ok;
        QTest::newRow("entry not found") << int(QKeychain::EntryNotFound) << Result::Kind::NotFound;
        QTest::newRow("no backend") << int(QKeychain::NoBackendAvailable) << Result::Kind::Unavailable;
        QTest::newRow("not implemented") << int(QKeychain::NotImplemented) << Result::Kind::Unavailable;
        QTest::newRow("denied by user") << int(QKeychain::AccessDeniedByUser) << Result::Kind::Cancelled;
        QTest::newRow("denied") << int(QKeychain::AccessDenied) << Result::Kind::Failed;
        QTest::newRow("could not delete") << int(QKeychain::CouldNotDeleteEntry) << Result::Kind::Failed;
        QTest::newRow("other") << int(QKeychain::OtherError) << Result::Kind::Failed;
    }
    void keychainErrorsByCode()
    {
        QFETCH(int, code);
        QFETCH(Result::Kind, kind);
        // The text plays no part: words that once meant "no backend" change nothing.
        for (const QString& detail : { QString("Cannot autolaunch D-Bus without X11 $DISPLAY"), QString("boom") }) {
            const Result r = CredentialStore::classify(code, detail);
            QCOMPARE(r.kind(), kind);
            if (kind != Result::Kind::Ok && kind != Result::Kind::NotFound && kind != Result::Kind::Cancelled)
                QVERIFY2(r.message().contains(detail), qPrintable(r.message()));
        }
        // Both kinds a machine without a keychain can give say what to do instead.
        if (code == int(QKeychain::NoBackendAvailable) || code == int(QKeychain::OtherError))
            QVERIFY(CredentialStore::classify(code, "x").message().contains("AWS_ACCESS_KEY_ID"));
    }

    void noDockerEngineIsUnavailable()
    {
        QTemporaryDir dir;
        const QByteArray before = qgetenv("DOCKER_HOST");
        qputenv("DOCKER_HOST", "unix://" + QFile::encodeName(dir.filePath("no.sock")));
        const Result r = Docker::engineAnswers();
        if (before.isEmpty())
            qunsetenv("DOCKER_HOST");
        else
            qputenv("DOCKER_HOST", before);
        QCOMPARE(r.kind(), Result::Kind::Unavailable);
        QCOMPARE(r.exitCode(), 1);
        QVERIFY2(r.message().contains(dir.filePath("no.sock")), qPrintable(r.message()));
    }

    void originalConfigRemoveFails()
    {
        QTemporaryDir dir;
        const QString missing = dir.filePath("config.json");
        const Result r = OriginalConfig::remove(missing);
        QCOMPARE(r.kind(), Result::Kind::Failed);
        QVERIFY2(r.message().startsWith(missing + ": cannot delete"), qPrintable(r.message()));

        QFile file(missing);
        QVERIFY(file.open(QIODevice::WriteOnly));
        file.close();
        QVERIFY(OriginalConfig::remove(missing));
        QVERIFY(!QFile::exists(missing));

        const Result readError = OriginalConfig::read(missing).error();
        QVERIFY(!readError);
        QCOMPARE(readError.exitCode(), 2);
        QCOMPARE(readError.location().file, missing);
    }

    // The value form: what a step made, or its error with kind and location; no out-parameter.
    void resultOfCarriesAValue()
    {
        const ResultOf<QString> made = QStringLiteral("made");
        QVERIFY(made.isOk());
        QVERIFY(bool(made));
        QCOMPARE(*made, QStringLiteral("made"));
        QCOMPARE(made.value(), QStringLiteral("made"));
        QCOMPARE(made->size(), 4);
        QCOMPARE(made.kind(), Result::Kind::Ok);
        QVERIFY(made.error().isOk());
        QVERIFY(made.message().isEmpty());
        QCOMPARE(made.exitCode(), 0);
        QCOMPARE(made.valueOr(QStringLiteral("other")), QStringLiteral("made"));
        // Built from what a T is made from, too.
        const ResultOf<std::optional<int>> none = std::optional<int>();
        QVERIFY(none.isOk());
        QVERIFY(!none->has_value());
    }

    void resultOfCarriesAnErrorOfEachKind_data()
    {
        QTest::addColumn<Result>("error");
        QTest::newRow("bad input") << Result::badInput("x", SourceLocation { "p.json", 3, 4 });
        QTest::newRow("not found") << Result::notFound("x");
        QTest::newRow("unavailable") << Result::unavailable("x");
        QTest::newRow("cancelled") << Result::cancelled("x");
        QTest::newRow("failed") << Result::failed("x");
    }
    void resultOfCarriesAnErrorOfEachKind()
    {
        QFETCH(Result, error);
        const ResultOf<QString> failed = error;
        QVERIFY(!failed.isOk());
        QVERIFY(!bool(failed));
        QCOMPARE(failed.kind(), error.kind());
        QCOMPARE(failed.message(), error.message());
        QCOMPARE(failed.exitCode(), error.exitCode());
        QCOMPARE(failed.error().location().line, error.location().line);
        QCOMPARE(failed.valueOr(QStringLiteral("fallback")), QStringLiteral("fallback"));
    }

    void resultOfOkWithoutAValueIsAnError()
    {
        // A programming error: Ok given where a value was due never reads as a value.
        const ResultOf<int> nothing = Result::ok();
        QVERIFY(!nothing.isOk());
        QCOMPARE(nothing.kind(), Result::Kind::Failed);
    }

    void resultOfHoldsAMoveOnlyValue()
    {
        ResultOf<std::unique_ptr<int>> made = std::make_unique<int>(7);
        QVERIFY(made);
        QCOMPARE(**made, 7);
        const std::unique_ptr<int> taken = made.take();
        QCOMPARE(*taken, 7);
        ResultOf<std::unique_ptr<int>> failed = Result::notFound("gone");
        QVERIFY(!failed);
        QCOMPARE(std::move(failed).valueOr(nullptr), nullptr);
        QCOMPARE(ResultOf<std::unique_ptr<int>>(std::make_unique<int>(3)).valueOr(nullptr).operator*(), 3);
    }
};

QTEST_GUILESS_MAIN(TestResult)
#include "TestResult.moc"
