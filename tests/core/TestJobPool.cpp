// SPDX-License-Identifier: MIT
#include "AsyncCommand.h"

#include <QSignalSpy>
#include <QTest>
#include <QTimer>

// JobPool: never more than its limit at once, every job run once, in order,
// finished() once after the last one, also for no jobs or jobs done at once.
class TestJobPool : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void runsAtMostLimitAtOnce()
    {
        JobPool pool(3);
        int running = 0, most = 0;
        QList<int> started;
        for (int i = 0; i < 10; ++i) {
            pool.add([&, i](JobPool::Done done) {
                started << i;
                most = qMax(most, ++running);
                // Done later, in varying order.
                QTimer::singleShot(5 * (10 - i), &pool, [&running, done] {
                    --running;
                    done();
                });
            });
        }
        QCOMPARE(pool.pending(), 10);
        QSignalSpy finished(&pool, &JobPool::finished);
        QVERIFY(started.isEmpty()); // nothing before start()
        pool.start();
        QVERIFY(finished.wait(5000));
        QCOMPARE(most, 3);
        QCOMPARE(started, (QList<int> { 0, 1, 2, 3, 4, 5, 6, 7, 8, 9 }));
        QCOMPARE(running, 0);
        QCOMPARE(pool.pending(), 0);
        QTest::qWait(50);
        QCOMPARE(finished.count(), 1);
    }

    void doneTwiceCountsOnce()
    {
        JobPool pool(1);
        int running = 0, most = 0, ran = 0;
        pool.add([](JobPool::Done done) {
            done();
            done(); // a careless job: must not free a second slot
        });
        for (int i = 0; i < 3; ++i) {
            pool.add([&](JobPool::Done done) {
                ++ran;
                most = qMax(most, ++running);
                QTimer::singleShot(20, &pool, [&running, done] {
                    --running;
                    done();
                });
            });
        }
        QSignalSpy finished(&pool, &JobPool::finished);
        pool.start();
        QVERIFY(finished.wait(5000));
        QCOMPARE(ran, 3);
        QCOMPARE(most, 1);
        QCOMPARE(pool.pending(), 0);
    }

    void synchronousJobsAndNoJobsFinish()
    {
        JobPool empty(2);
        QSignalSpy emptyFinished(&empty, &JobPool::finished);
        empty.start();
        QCOMPARE(emptyFinished.count(), 0); // asynchronously, as documented
        QVERIFY(emptyFinished.wait(1000));

        JobPool pool(0); // a limit below 1 still runs one at a time
        int ran = 0;
        for (int i = 0; i < 1000; ++i)
            pool.add([&ran](JobPool::Done done) {
                ++ran;
                done();
            });
        QSignalSpy finished(&pool, &JobPool::finished);
        pool.start();
        QVERIFY(finished.wait(5000));
        QCOMPARE(ran, 1000);
    }

    void jobsAddedAfterStartRun()
    {
        JobPool pool(2);
        int ran = 0;
        pool.add([&](JobPool::Done done) {
            ++ran;
            QTimer::singleShot(20, done);
        });
        QSignalSpy finished(&pool, &JobPool::finished);
        pool.start();
        pool.add([&](JobPool::Done done) {
            ++ran;
            done();
        });
        QVERIFY(finished.wait(5000));
        QCOMPARE(ran, 2);
    }
};

QTEST_GUILESS_MAIN(TestJobPool)
#include "TestJobPool.moc"
