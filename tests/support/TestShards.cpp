// SPDX-License-Identifier: MIT
#include "TestShards.h"

#include <QMetaMethod>
#include <QRegularExpression>

namespace {

// QtTest's options that take a value (the next argument is not a test function).
bool takesValue(const QByteArray& option)
{
    static const QList<QByteArray> options { "-o",          "-maxwarnings", "-eventdelay",   "-keydelay",
                                             "-mousedelay", "-seed",        "-minimumvalue", "-minimumtotal",
                                             "-iterations", "-median",      "-perfcounter",  "-repeat" };
    return options.contains(option);
}

bool namesFunctions(int argc, char** argv)
{
    for (int i = 1; i < argc; ++i) {
        const QByteArray arg(argv[i]);
        if (takesValue(arg))
            ++i;
        else if (!arg.startsWith('-'))
            return true;
    }
    return false;
}

} // namespace

QStringList TestShards::functions(const QObject* test, int argc, char** argv, bool* sharded)
{
    *sharded = false;
    const QRegularExpressionMatch shard = QRegularExpression(QStringLiteral("^([1-9][0-9]*)/([1-9][0-9]*)$"))
                                              .match(qEnvironmentVariable("LOGISTICIAN_TEST_SHARD"));
    if (!shard.hasMatch() || namesFunctions(argc, argv))
        return {};
    const int k = shard.captured(1).toInt();
    const int n = shard.captured(2).toInt();
    if (k > n)
        return {};
    *sharded = true;
    static const QStringList fixtures { QStringLiteral("initTestCase"), QStringLiteral("cleanupTestCase"),
                                        QStringLiteral("init"), QStringLiteral("cleanup") };
    QStringList out;
    int index = 0;
    const QMetaObject* meta = test->metaObject();
    for (int m = meta->methodOffset(); m < meta->methodCount(); ++m) {
        const QMetaMethod method = meta->method(m);
        const QString name = QString::fromLatin1(method.name());
        // What QtTest runs as a test function: private slots without parameters.
        if (method.methodType() != QMetaMethod::Slot || method.access() != QMetaMethod::Private
            || method.parameterCount() != 0 || fixtures.contains(name) || name.endsWith(QLatin1String("_data")))
            continue;
        if (index++ % n == k - 1)
            out << name;
    }
    return out;
}

int TestShards::exec(QObject* test, int argc, char** argv)
{
    bool sharded = false;
    const QStringList mine = functions(test, argc, argv, &sharded);
    if (!sharded)
        return QTest::qExec(test, argc, argv);
    qInfo("LOGISTICIAN_TEST_SHARD=%s: %s", qPrintable(qEnvironmentVariable("LOGISTICIAN_TEST_SHARD")),
          mine.isEmpty() ? "no test function" : qPrintable(mine.join(QLatin1Char(' '))));
    if (mine.isEmpty())
        return 0;
    QStringList arguments;
    for (int i = 0; i < argc; ++i)
        arguments << QString::fromLocal8Bit(argv[i]);
    return QTest::qExec(test, arguments + mine);
}
