// SPDX-License-Identifier: MIT
// Duplicate, rename and delete an experiment folder: all or nothing, results and
// run state never copied, a folder with a deployment never renamed or deleted,
// delete goes to the trash.
#include "Parameters.h"
#include "experiments/ExperimentFiles.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QTemporaryDir>
#include <QTest>

namespace {
void write(const QString& path, const QByteArray& content)
{
    QDir().mkpath(QFileInfo(path).absolutePath());
    QFile f(path);
    QVERIFY(f.open(QIODevice::WriteOnly));
    f.write(content);
}
QString nameIn(const QString& dir)
{
    Result error;
    auto p = Parameters::load(dir + QStringLiteral("/parameters.json"));
    error = p.error();
    return p ? p->experimentName() : error.message();
}
} // namespace

class TestExperimentFiles : public QObject
{
    Q_OBJECT
    QTemporaryDir m_root;
    QString m_exp;

private Q_SLOTS:
    void init()
    {
        QVERIFY(m_root.isValid());
        QDir(m_root.path() + QStringLiteral("/experiments")).removeRecursively();
        m_exp = m_root.path() + QStringLiteral("/experiments/sweep");
        write(m_exp + QStringLiteral("/parameters.json"),
              "{\"experiment_name\": \"sweep\", \"experiment_command\": \"sh x.sh\", \"experiment_conditions\": "
              "[\"1\"], \"my_note\": \"kept\"}\n");
        write(m_exp + QStringLiteral("/Dockerfile"), "FROM debian:bookworm-slim\n");
        write(m_exp + QStringLiteral("/scripts/prep.sh"), "echo prep\n");
        write(m_exp + QStringLiteral("/data/c1/results/out.txt"), "result\n");
        write(m_exp + QStringLiteral("/.logistician/runner/state"), "x\n");
    }

    void duplicateCopiesTheExperimentButNotItsResults()
    {
        const QString name = ExperimentFiles::copyName(m_root.path(), m_exp);
        QCOMPARE(name, QStringLiteral("sweep-copy"));
        const ResultOf<QString> done = ExperimentFiles::duplicate(m_root.path(), m_exp, name);
        QVERIFY2(done, qPrintable(done.message()));
        const QString copy = *done;
        QCOMPARE(copy, m_root.path() + QStringLiteral("/experiments/sweep-copy"));
        QVERIFY(QFile::exists(copy + QStringLiteral("/Dockerfile")));
        QVERIFY(QFile::exists(copy + QStringLiteral("/scripts/prep.sh")));
        QVERIFY(!QFileInfo::exists(copy + QStringLiteral("/data")));
        QVERIFY(!QFileInfo::exists(copy + QStringLiteral("/.logistician")));
        QCOMPARE(nameIn(copy), QStringLiteral("sweep-copy"));
        QVERIFY(QFile(copy + QStringLiteral("/parameters.json")).open(QIODevice::ReadOnly));
        QFile params(copy + QStringLiteral("/parameters.json"));
        QVERIFY(params.open(QIODevice::ReadOnly));
        QVERIFY(params.readAll().contains("my_note")); // unknown keys kept
        QCOMPARE(nameIn(m_exp), QStringLiteral("sweep")); // the original untouched
        // No staging folder left behind; the next copy gets another name; an existing name is refused.
        QCOMPARE(QDir(m_root.path() + QStringLiteral("/experiments"))
                     .entryList(QDir::Dirs | QDir::Hidden | QDir::NoDotAndDotDot),
                 QStringList({ QStringLiteral("sweep"), QStringLiteral("sweep-copy") }));
        QCOMPARE(ExperimentFiles::copyName(m_root.path(), m_exp), QStringLiteral("sweep-copy-2"));
        QVERIFY(!ExperimentFiles::duplicate(m_root.path(), m_exp, QStringLiteral("sweep-copy")));
        QVERIFY(!ExperimentFiles::duplicate(m_root.path(), m_exp, QStringLiteral("../escape")));
    }

    void renameMovesTheFolderAndTheName()
    {
        const ResultOf<QString> done = ExperimentFiles::rename(m_root.path(), m_exp, QStringLiteral("sweep2"));
        QVERIFY2(done, qPrintable(done.message()));
        const QString renamed = *done;
        QVERIFY(!QFileInfo::exists(m_exp));
        QCOMPARE(nameIn(renamed), QStringLiteral("sweep2"));
        QVERIFY(QFile::exists(renamed + QStringLiteral("/data/c1/results/out.txt"))); // results go along
    }

    void aDeploymentBlocksRenameAndDelete()
    {
        write(m_exp + QStringLiteral("/.logistician/deploy/deployment.json"), "{}\n");
        const ResultOf<QString> rename = ExperimentFiles::rename(m_root.path(), m_exp, QStringLiteral("other"));
        QVERIFY(!rename);
        QVERIFY2(rename.message().contains(QStringLiteral("terminate")), qPrintable(rename.message()));
        QVERIFY(!ExperimentFiles::moveToTrash(m_exp));
        QVERIFY(QFile::exists(m_exp + QStringLiteral("/parameters.json")));
    }

    void deleteMovesToTheTrash()
    {
        QTemporaryDir xdg(m_root.path() + QStringLiteral("/xdg-XXXXXX"));
        qputenv("XDG_DATA_HOME", xdg.path().toUtf8());
        const ResultOf<QString> done = ExperimentFiles::moveToTrash(m_exp);
        QVERIFY2(done, qPrintable(done.message()));
        const QString trashed = *done;
        QVERIFY(!QFileInfo::exists(m_exp));
        QVERIFY2(QFile::exists(trashed + QStringLiteral("/parameters.json")), qPrintable(trashed));
    }
};

QTEST_GUILESS_MAIN(TestExperimentFiles)
#include "TestExperimentFiles.moc"
