#include <QTest>
class TestDeployAws : public QObject
{
    Q_OBJECT
};
QTEST_GUILESS_MAIN(TestDeployAws)
#include "TestDeployAws.moc"
