#include <QTest>
class TestDeploySsh : public QObject
{
    Q_OBJECT
};
QTEST_GUILESS_MAIN(TestDeploySsh)
#include "TestDeploySsh.moc"
