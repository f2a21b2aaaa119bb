// SPDX-License-Identifier: MIT
#pragma once

#include <QJsonObject>
#include <QMap>
#include <QString>
#include <QStringList>

// The real terraform with the hashicorp/aws provider from the filesystem mirror
// that scripts/test.sh finds (LOGISTICIAN_TF_MIRROR): a CLI configuration of
// the test's own (TF_CLI_CONFIG_FILE), CHECKPOINT_DISABLE=1, no network where a
// network namespace can be made. The tests run it here for init and validate;
// the CLI runs it for everything else (tests/support/ec2-emulator gives it the
// EC2 API it applies against).
class RealTerraform
{
public:
    // Writes the CLI configuration into dir; *why when terraform or the mirror is missing.
    bool setUp(const QString& dir, QString* why);
    // TF_CLI_CONFIG_FILE and CHECKPOINT_DISABLE, for whatever runs terraform in the tests.
    QMap<QString, QString> environment() const;

    struct Outcome
    {
        int exitCode = -1;
        QString out;
        QString err;
    };
    Outcome run(const QString& dir, const QStringList& args) const;

    // Skip with the reason on a user's machine; fail under CI=true.
    static bool required();

private:
    QString m_program;
    QString m_config;
};

// QSKIP, or QFAIL under CI, when the real terraform cannot run.
#define REQUIRE_REAL_TERRAFORM(tf, dir)                                                                                \
    do {                                                                                                               \
        QString why_;                                                                                                  \
        if (!(tf).setUp((dir), &why_)) {                                                                               \
            if (RealTerraform::required())                                                                             \
                QFAIL(qPrintable(QStringLiteral("CI=true and %1").arg(why_)));                                         \
            QSKIP(qPrintable(why_));                                                                                   \
        }                                                                                                              \
    } while (false)
