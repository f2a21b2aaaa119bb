// SPDX-License-Identifier: MIT
// ResultsCsv: the one CSV writer of `logistician results --format csv` and the
// app's Export CSV. RFC 4180 quoting, column order, full and short IDs.
#include "board/ResultsCsv.h"

#include <QTest>

namespace {

ResultsScanner::ConditionResults condition(const QString& slug, QList<QPair<QString, QString>> keys,
                                           QMap<QString, double> metrics)
{
    ResultsScanner::ConditionResults r;
    r.slug = slug;
    r.keys = std::move(keys);
    r.metrics = std::move(metrics);
    r.hasResults = true;
    return r;
}

} // namespace

class TestResultsCsv : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void fieldQuoting_data()
    {
        QTest::addColumn<QString>("text");
        QTest::addColumn<QString>("field");
        QTest::newRow("plain") << QStringLiteral("abc") << QStringLiteral("abc");
        QTest::newRow("empty") << QString() << QString();
        QTest::newRow("spaces kept, not quoted") << QStringLiteral(" a b ") << QStringLiteral(" a b ");
        QTest::newRow("comma") << QStringLiteral("a,b") << QStringLiteral("\"a,b\"");
        QTest::newRow("quote doubled") << QStringLiteral("say \"hi\"") << QStringLiteral("\"say \"\"hi\"\"\"");
        QTest::newRow("only a quote") << QStringLiteral("\"") << QStringLiteral("\"\"\"\"");
        QTest::newRow("newline") << QStringLiteral("a\nb") << QStringLiteral("\"a\nb\"");
        QTest::newRow("carriage return") << QStringLiteral("a\r\nb") << QStringLiteral("\"a\r\nb\"");
        QTest::newRow("non-ASCII as is") << QStringLiteral("grüße, 東京") << QStringLiteral("\"grüße, 東京\"");
        QTest::newRow("semicolon is not special") << QStringLiteral("a;b") << QStringLiteral("a;b");
    }
    void fieldQuoting()
    {
        QFETCH(QString, text);
        QFETCH(QString, field);
        QCOMPARE(ResultsCsv::field(text), field);
    }

    void lineJoinsQuotedFields()
    {
        QCOMPARE(ResultsCsv::line({ QStringLiteral("a"), QString(), QStringLiteral("b,c"), QStringLiteral("\n") }),
                 QStringLiteral("a,,\"b,c\",\"\n\"\n"));
    }

    // The compare table: condition (slug), keys in their order, metrics in theirs; a missing value is empty.
    void compareColumnsAndValues()
    {
        const ResultsCsv csv({ QStringLiteral("lr"), QStringLiteral("name") },
                             { QStringLiteral("acc"), QStringLiteral("grüße") });
        const QList<ResultsScanner::ConditionResults> rows {
            condition(QStringLiteral("c2"),
                      { { QStringLiteral("lr"), QStringLiteral("0.1") },
                        { QStringLiteral("name"), QStringLiteral("a,\"b\"\nc") } },
                      { { QStringLiteral("acc"), 0.123456789 }, { QStringLiteral("grüße"), 3 } }),
            condition(QStringLiteral("c1-ü"), { { QStringLiteral("lr"), QStringLiteral("1e-3") } },
                      { { QStringLiteral("grüße"), -2.5 } }),
        };
        QCOMPARE(csv.compare(rows),
                 QStringLiteral("condition,lr,name,acc,grüße\n"
                                "c2,0.1,\"a,\"\"b\"\"\nc\",0.123457,3\n"
                                "c1-ü,1e-3,,,-2.5\n"));
    }

    // `logistician results --format csv`: the compare columns, then the run's; full IDs in CSV, short in the table.
    void runColumnsAndIds()
    {
        const ResultsCsv csv({ QStringLiteral("lr") }, { QStringLiteral("loss") });
        ResultsScanner::Row done;
        done.results = condition(QStringLiteral("a"), { { QStringLiteral("lr"), QStringLiteral("0.1") } },
                                 { { QStringLiteral("loss"), 0.25 } });
        done.state = QStringLiteral("succeeded");
        done.attempt = 2;
        done.exitCode = 0;
        done.elapsedSeconds = 10;
        done.commit = QStringLiteral("0123456789abcdef0123456789abcdef01234567");
        done.provenance.imageId = QStringLiteral("sha256:0123456789abcdef0123");
        done.provenance.host = QStringLiteral("host, one");
        ResultsScanner::Row running;
        running.results = condition(QStringLiteral("b"), {}, {});
        running.state = QStringLiteral("running");
        QCOMPARE(csv.header(),
                 QStringList({ "condition", "lr", "loss", "state", "attempt", "exit_code", "elapsed_seconds", "commit",
                               "image_id", "host" }));
        QCOMPARE(csv.rows({ done, running }),
                 QStringLiteral("condition,lr,loss,state,attempt,exit_code,elapsed_seconds,commit,image_id,host\n"
                                "a,0.1,0.25,succeeded,2,0,10,0123456789abcdef0123456789abcdef01234567,"
                                "sha256:0123456789abcdef0123,\"host, one\"\n"
                                "b,,,running,1,,,,,\n"));
        const QStringList brief = csv.cells(done, ResultsCsv::Ids::Short);
        QCOMPARE(brief.at(7), QStringLiteral("0123456789ab"));
        QCOMPARE(brief.at(8), QStringLiteral("sha256:0123456789ab"));
    }
};

QTEST_GUILESS_MAIN(TestResultsCsv)
#include "TestResultsCsv.moc"
