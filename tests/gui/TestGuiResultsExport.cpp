// SPDX-License-Identifier: MIT
// The results panel's exports: Export CSV… writes the compare table as shown
// (sorted) through the dialog, Save Chart… writes a PNG that loads and an SVG
// that parses, and a save that fails says so, naming the file, and leaves no
// partial file behind.
#include "Dialogs.h"
#include "GuiTestBase.h"
#include "board/ResultsPanel.h"

#include <QChart>
#include <QDir>
#include <QFile>
#include <QFileDialog>
#include <QHeaderView>
#include <QImage>
#include <QLabel>
#include <QPushButton>
#include <QSignalSpy>
#include <QSortFilterProxyModel>
#include <QTableView>
#include <QTemporaryDir>
#include <QTest>
#include <QXmlStreamReader>
#include <unistd.h>

namespace {

QByteArray readAll(const QString& path)
{
    QFile file(path);
    return file.open(QIODevice::ReadOnly) ? file.readAll() : QByteArray();
}

bool writeAll(const QString& path, const QByteArray& data)
{
    QFile file(path);
    return QDir().mkpath(QFileInfo(path).absolutePath()) && file.open(QIODevice::WriteOnly)
        && file.write(data) == data.size();
}

} // namespace

class TestGuiResultsExport : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void initTestCase();
    void init();
    void cleanup();
    void exportsTheCompareTableAsSortedThroughTheDialog();
    void savesTheChartAsPng();
    void savesTheChartAsSvgThroughTheDialog();
    void aFailedSaveNamesTheFileAndLeavesNoPartialFile();

private:
    int column(const QString& header) const;
    QTemporaryDir m_dir;
    QString m_experiment;
    QString m_out;
    std::unique_ptr<ResultsPanel> m_panel;
};

void TestGuiResultsExport::initTestCase()
{
    QVERIFY(m_dir.isValid());
    m_experiment = m_dir.filePath(QStringLiteral("experiments/sweep"));
    m_out = m_dir.filePath(QStringLiteral("out"));
    QVERIFY(QDir().mkpath(m_out));
}

void TestGuiResultsExport::init()
{
    // Four conditions, as a sweep leaves them: data/<slug>/results/metrics.json.
    struct Condition
    {
        const char* slug;
        const char* condition;
        const char* metrics;
    };
    const QList<Condition> conditions {
        { "c1", "--lr 0.1 --opt sgd", R"({"loss": 0.5, "acc": 0.81})" },
        { "c2", "--lr 0.01 --opt 'adam, \"β=0.9\"'", R"({"loss": 0.25, "acc": 0.9})" },
        { "c3", "--lr 1 --opt größe", R"({"loss": 2.0})" },
        { "c4", "--lr 1 --opt sgd", R"({"loss": 1.0, "acc": 0.7})" },
    };
    QList<ResultsScanner::Input> inputs;
    for (const Condition& c : conditions) {
        const QString dir = m_experiment + QStringLiteral("/data/") + QLatin1String(c.slug);
        QVERIFY(writeAll(dir + QStringLiteral("/results/metrics.json"), c.metrics));
        inputs << ResultsScanner::Input { QLatin1String(c.slug), QString::fromUtf8(c.condition), dir };
    }
    m_panel = std::make_unique<ResultsPanel>();
    m_panel->resize(900, 600);
    m_panel->show();
    QVERIFY(QTest::qWaitForWindowExposed(m_panel.get()));
    QSignalSpy scanned(m_panel.get(), &ResultsPanel::scanned);
    m_panel->scan(inputs);
    QVERIFY(scanned.wait(10000));
    QCOMPARE(m_panel->model()->keys(), QStringList({ "lr", "opt" }));
    QCOMPARE(m_panel->model()->metrics(), QStringList({ "acc", "loss" }));
}

void TestGuiResultsExport::cleanup()
{
    m_panel.reset();
    Gui::MessageBox::setNextAnswer(QMessageBox::NoButton);
}

int TestGuiResultsExport::column(const QString& header) const
{
    const QAbstractItemModel* model = m_panel->model();
    for (int c = 0; c < model->columnCount(); ++c) {
        if (model->headerData(c, Qt::Horizontal).toString() == header)
            return c;
    }
    return -1;
}

void TestGuiResultsExport::exportsTheCompareTableAsSortedThroughTheDialog()
{
    auto* table = m_panel->findChild<QTableView*>(QStringLiteral("resultsTable"));
    auto* button = m_panel->findChild<QPushButton*>(QStringLiteral("exportCsvButton"));
    QVERIFY(table && button);
    QVERIFY(!button->accessibleName().isEmpty());
    QVERIFY(button->focusPolicy() & Qt::TabFocus);
    QVERIFY(button->isVisible());
    // Sorted by loss, largest first, as a user clicks the header twice.
    const int loss = column(QStringLiteral("loss"));
    QVERIFY(loss > 0);
    table->sortByColumn(loss, Qt::DescendingOrder);

    // The button opens a save dialog in the experiment's folder; choosing a file writes it.
    button->click();
    auto* dialog = m_panel->findChild<QFileDialog*>(QStringLiteral("resultsSaveDialog"));
    QVERIFY(dialog);
    QTRY_VERIFY(dialog->isVisible());
    QCOMPARE(dialog->acceptMode(), QFileDialog::AcceptSave);
    // The experiment's data/ folder, which Git ignores: an export leaves the working tree clean.
    QCOMPARE(QDir(dialog->directory()).canonicalPath(), QDir(m_experiment + QStringLiteral("/data")).canonicalPath());
    const QString path = m_out + QStringLiteral("/table.csv");
    dialog->selectFile(path);
    static_cast<QDialog*>(dialog)->accept(); // QFileDialog::accept, as the Save button
    QTRY_VERIFY(QFile::exists(path));

    // The CLI's columns (ResultsCsv: condition slug, keys, metrics, where each stands), RFC 4180
    // quoting, UTF-8, the table's order. These conditions come without a deployment: no state.
    QCOMPARE(QString::fromUtf8(readAll(path)),
             QStringLiteral("condition,lr,opt,acc,loss,state,attempt,exit_code,elapsed_seconds,commit,image_id,host\n"
                            "c3,1,größe,,2,,1,,,,,\n"
                            "c4,1,sgd,0.7,1,,1,,,,,\n"
                            "c1,0.1,sgd,0.81,0.5,,1,,,,,\n"
                            "c2,0.01,\"adam, \"\"β=0.9\"\"\",0.9,0.25,,1,,,,,\n"));
    // Said so: where it went.
    NEED(QLabel, saved, m_panel.get(), "resultsSaved");
    QVERIFY2(saved->text().contains(path), qPrintable(saved->text()));
    QCOMPARE(QDir(m_out).entryList(QDir::Files), QStringList({ "table.csv" }));

    // Sorted the other way, the file follows.
    table->sortByColumn(loss, Qt::AscendingOrder);
    QVERIFY(m_panel->exportCsv(path));
    const QList<QByteArray> lines = readAll(path).split('\n');
    QCOMPARE(lines.value(1).left(3), QByteArray("c2,"));
    QCOMPARE(lines.value(4).left(3), QByteArray("c3,"));
}

void TestGuiResultsExport::savesTheChartAsPng()
{
    m_panel->showTab(1);
    m_panel->setMetric(QStringLiteral("loss"));
    m_panel->setKey(QStringLiteral("lr"));
    QVERIFY(!m_panel->chart()->series().isEmpty());
    QTest::qWait(50); // the chart redraws, as before a user's next click
    const QString path = m_out + QStringLiteral("/chart.png");
    QVERIFY(m_panel->saveChart(path));
    QImage image;
    QVERIFY(image.load(path, "PNG"));
    QVERIFY2(image.width() >= 320 && image.height() >= 200,
             qPrintable(QStringLiteral("%1x%2").arg(image.width()).arg(image.height())));
    // A drawn chart, not a blank: many colours (lines, dots, antialiased text).
    QSet<QRgb> colours;
    for (int y = 0; y < image.height(); y += 2) {
        for (int x = 0; x < image.width(); x += 2)
            colours.insert(image.pixel(x, y));
    }
    QVERIFY2(colours.size() > 20, qPrintable(QString::number(colours.size())));
}

void TestGuiResultsExport::savesTheChartAsSvgThroughTheDialog()
{
    m_panel->showTab(1);
    m_panel->setMetric(QStringLiteral("acc"));
    m_panel->setKey(QStringLiteral("lr"));
    m_panel->setSeriesKey(QStringLiteral("opt"));
    QTest::qWait(50);
    auto* button = m_panel->findChild<QPushButton*>(QStringLiteral("saveChartButton"));
    QVERIFY(button);
    QVERIFY(button->isVisible() && button->isEnabled());
    QVERIFY(!button->accessibleName().isEmpty());
    button->click();
    auto* dialog = m_panel->findChild<QFileDialog*>(QStringLiteral("resultsSaveDialog"));
    QVERIFY(dialog);
    QTRY_VERIFY(dialog->isVisible());
    QVERIFY(dialog->nameFilters().join(' ').contains(QStringLiteral("*.svg")));
    const QString path = m_out + QStringLiteral("/chart.svg");
    dialog->selectFile(path);
    static_cast<QDialog*>(dialog)->accept(); // QFileDialog::accept, as the Save button
    QTRY_VERIFY(QFile::exists(path));

    const QByteArray svg = readAll(path);
    QXmlStreamReader xml(svg);
    bool root = false;
    int drawn = 0;
    // The sgd line (two points): a path or polyline in the first series colour, 2 px wide.
    bool line = false;
    QString stroke;
    bool title = false;
    while (!xml.atEnd()) {
        if (xml.readNext() != QXmlStreamReader::StartElement)
            continue;
        root = root || xml.name() == QLatin1String("svg");
        const bool shape = xml.name() == QLatin1String("path") || xml.name() == QLatin1String("polyline");
        drawn += shape;
        if (xml.name() == QLatin1String("g"))
            stroke = xml.attributes().value("stroke").toString() + QLatin1Char(' ')
                + xml.attributes().value("stroke-width").toString();
        line = line || (shape && stroke == QLatin1String("#2b6fe0 2"));
        // The chart as it is now (the metric and key just chosen), not as it was laid out before.
        if (xml.name() == QLatin1String("text"))
            title = title
                || xml.readElementText(QXmlStreamReader::IncludeChildElements).trimmed()
                    == QLatin1String("acc against --lr, a line per --opt");
    }
    QVERIFY2(!xml.hasError(), qPrintable(xml.errorString()));
    QVERIFY(root);
    QVERIFY(svg.contains("<svg"));
    QVERIFY2(drawn > 0, svg.left(2000).constData());
    QVERIFY(title);
    QVERIFY(line);
}

void TestGuiResultsExport::aFailedSaveNamesTheFileAndLeavesNoPartialFile()
{
    QTemporaryDir dir(m_out + QStringLiteral("/fail-XXXXXX"));
    QVERIFY(dir.isValid());

    // The name is taken by a folder: the write goes to a temporary file, whose rename fails.
    const QString taken = dir.filePath(QStringLiteral("taken.csv"));
    QVERIFY(QDir().mkpath(taken));
    Gui::MessageBox::setNextAnswer(QMessageBox::Ok);
    QVERIFY(!m_panel->exportCsv(taken));
    QVERIFY2(Gui::MessageBox::lastText().contains(taken), qPrintable(Gui::MessageBox::lastText()));
    QCOMPARE(QDir(dir.path()).entryList(QDir::AllEntries | QDir::NoDotAndDotDot | QDir::Hidden),
             QStringList({ "taken.csv" }));
    QVERIFY(QFileInfo(taken).isDir());

    // A folder that cannot be written (for root, who writes anywhere: a "folder" that is a file).
    const QString locked = dir.filePath(QStringLiteral("locked"));
    QVERIFY(QDir().mkpath(locked));
    QVERIFY(QFile::setPermissions(locked, QFileDevice::ReadOwner | QFileDevice::ExeOwner));
    const bool root = ::access(locked.toLocal8Bit().constData(), W_OK) == 0;
    const QString folder = root ? dir.filePath(QStringLiteral("plain-file")) : locked;
    if (root)
        QVERIFY(writeAll(folder, "not a folder"));
    for (const char* name : { "chart.png", "chart.svg", "table.csv" }) {
        const QString path = folder + QLatin1Char('/') + QLatin1String(name);
        Gui::MessageBox::setNextAnswer(QMessageBox::Ok);
        const bool saved = QByteArray(name).endsWith(".csv") ? m_panel->exportCsv(path) : m_panel->saveChart(path);
        QVERIFY2(!saved, name);
        QVERIFY2(Gui::MessageBox::lastText().contains(path), qPrintable(Gui::MessageBox::lastText()));
        QVERIFY(!QFileInfo::exists(path));
    }
    if (!root)
        QVERIFY(QDir(locked).entryList(QDir::AllEntries | QDir::NoDotAndDotDot | QDir::Hidden).isEmpty());
    QVERIFY(QFile::setPermissions(locked, QFileDevice::ReadOwner | QFileDevice::WriteOwner | QFileDevice::ExeOwner));

    // A suffix that is neither .png nor .svg: said so, nothing written.
    const QString jpeg = dir.filePath(QStringLiteral("chart.jpg"));
    Gui::MessageBox::setNextAnswer(QMessageBox::Ok);
    QVERIFY(!m_panel->saveChart(jpeg));
    QVERIFY(Gui::MessageBox::lastText().contains(jpeg));
    QVERIFY(!QFileInfo::exists(jpeg));
}

QTEST_MAIN(TestGuiResultsExport)
#include "TestGuiResultsExport.moc"
