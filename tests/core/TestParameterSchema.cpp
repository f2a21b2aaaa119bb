// SPDX-License-Identifier: MIT
// The loader refuses exactly what ParameterSchema says: each bounded key is
// taken at its bounds and refused one step outside them, with a message that
// names the bounds; each key reads as its schema default when absent.
#include "ParameterSchema.h"
#include "Parameters.h"

#include <QJsonDocument>
#include <QJsonObject>
#include <QTest>

class TestParameterSchema : public QObject
{
    Q_OBJECT
private:
    static Result load(const QString& key, const QJsonValue& value)
    {
        const QJsonObject obj { { QStringLiteral("experiment_name"), QStringLiteral("x") }, { key, value } };
        return Parameters::parse(QJsonDocument(obj).toJson(QJsonDocument::Compact), QStringLiteral("parameters.json"))
            .error();
    }

private Q_SLOTS:
    void loaderRefusesOutsideTheBounds()
    {
        int bounded = 0;
        for (const ParameterSchema::Key& key : ParameterSchema::keys()) {
            if (key.maximum <= key.minimum)
                continue;
            ++bounded;
            for (const int ok : { key.minimum, key.maximum })
                QVERIFY2(
                    load(key.key, ok).isOk(),
                    qPrintable(QStringLiteral("%1: %2: %3").arg(key.key).arg(ok).arg(load(key.key, ok).message())));
            for (const double bad : { double(key.minimum) - 1, double(key.maximum) + 1, key.minimum + 0.5 }) {
                const Result refused = load(key.key, bad);
                QVERIFY2(!refused.isOk(), qPrintable(QStringLiteral("%1: %2 was taken").arg(key.key).arg(bad)));
                QVERIFY2(refused.message().contains(QStringLiteral("%1 must be a whole number").arg(key.key))
                             && refused.message().contains(
                                 QStringLiteral("from %1 to %2").arg(key.minimum).arg(key.maximum)),
                         qPrintable(refused.message()));
            }
        }
        QVERIFY(bounded >= 6); // the four limits, gpus, aws_root_volume_size
    }

    void limitsInMinutesFitInSeconds()
    {
        // The runner gets max_runtime_minutes * 60 as an int.
        QVERIFY(qint64(ParameterSchema::key(QStringLiteral("max_runtime_minutes")).maximum) * 60 <= INT_MAX);
        QCOMPARE(ParameterSchema::key(QStringLiteral("max_runtime_minutes")).maximum, ParameterSchema::MaxMinutes);
        QCOMPARE(ParameterSchema::key(QStringLiteral("auto_stop_minutes")).maximum, ParameterSchema::MaxMinutes);
    }

    void absentKeysReadAsTheirDefaults()
    {
        const Parameters empty(QJsonObject { { QStringLiteral("experiment_name"), QStringLiteral("x") } });
        auto def = [](const char* key) { return ParameterSchema::key(QLatin1String(key)).defaultValue; };
        QCOMPARE(empty.maxParallel(), def("max_parallel").toInt());
        QCOMPARE(empty.autoStopMinutes(), def("auto_stop_minutes").toInt());
        QCOMPARE(empty.maxRuntimeMinutes(), def("max_runtime_minutes").toInt());
        QCOMPARE(empty.maxRetries(), def("max_retries").toInt());
        QCOMPARE(empty.backend(), def("backend").toString());
        QCOMPARE(empty.awsAmiUser(), def("aws_ami_user").toString());
        QCOMPARE(empty.localDockerCommand(), def("local_docker_command").toString());
        QCOMPARE(empty.remoteDockerCommand(), def("remote_docker_command").toString());
    }

    void everyKeyIsDescribed()
    {
        for (const ParameterSchema::Key& key : ParameterSchema::keys()) {
            QVERIFY2(!key.label.isEmpty() && !key.help.isEmpty(), qPrintable(key.key));
            // Strings refuse another type, naming the key.
            if (key.type == ParameterSchema::Type::String) {
                const Result refused = load(key.key, 7);
                QVERIFY2(refused.message().contains(key.key + QStringLiteral(" must be a string")),
                         qPrintable(refused.message()));
            }
        }
        const ParameterSchema::Key& backend = ParameterSchema::key(QStringLiteral("backend"));
        for (const QString& choice : backend.choices) {
            const Result loaded = load(backend.key, choice);
            // slurm needs its object; every other choice loads alone.
            QVERIFY2(loaded.isOk() || choice == QLatin1String("slurm"), qPrintable(loaded.message()));
        }
    }
};

QTEST_GUILESS_MAIN(TestParameterSchema)
#include "TestParameterSchema.moc"
