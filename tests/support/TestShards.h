// SPDX-License-Identifier: MIT
#pragma once

#include <QObject>
#include <QStringList>
#include <QTest>

// A long test executable split over processes that run at once (support/test-shards, logistician_add_test's
// SHARDS): with LOGISTICIAN_TEST_SHARD=K/N in the environment and no test function named on the command line,
// the process runs only the K-th of every N test functions (in their declared order, a data-driven one with
// all its rows), and initTestCase/cleanup as ever. Without it, or with functions named, every one as always.
namespace TestShards {

// The test functions of this shard (empty: not sharded, run as asked).
QStringList functions(const QObject* test, int argc, char** argv, bool* sharded);
// QTest::qExec with this shard's functions.
int exec(QObject* test, int argc, char** argv);

} // namespace TestShards

// QTEST_GUILESS_MAIN, sharded as above.
#define LOGISTICIAN_SHARDED_GUILESS_MAIN(TestObject)                                                                   \
    int main(int argc, char* argv[])                                                                                   \
    {                                                                                                                  \
        QCoreApplication app(argc, argv);                                                                              \
        app.setAttribute(Qt::AA_Use96Dpi, true);                                                                       \
        TestObject tc;                                                                                                 \
        QTEST_SET_MAIN_SOURCE_PATH                                                                                     \
        return TestShards::exec(&tc, argc, argv);                                                                      \
    }
