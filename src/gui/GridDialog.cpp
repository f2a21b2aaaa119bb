// SPDX-License-Identifier: MIT
#include "GridDialog.h"

#include "ShellWords.h"
#include "Theme.h"
#include "ui_GridDialog.h"
#include "workspace/ConditionGrid.h"

#include <QHeaderView>
#include <QPushButton>

namespace {

// A value as the Values column reads it back (ConditionGrid::splitValues).
QString quotedValue(const QString& v)
{
    return v.contains(QLatin1Char(',')) ? QStringLiteral("'%1'").arg(v) : ShellWords::quote(v);
}

} // namespace

GridDialog::GridDialog(const QStringList& currentConditions, const Parameters::Grid& parameterGrid, QWidget* parent)
    : QDialog(parent)
    , m_ui(std::make_unique<Ui::GridDialog>())
{
    m_ui->setupUi(this);
    m_ui->gridAxes->horizontalHeader()->setSectionResizeMode(0, QHeaderView::ResizeToContents);
    m_ui->gridPreviewList->setFont(Theme::monospaceFont());
    m_ui->gridPreviewList->setAccessibleName(tr("Conditions the grid makes"));
    m_ui->gridAxes->setAccessibleName(tr("Keys and their values"));

    for (const auto& [key, values] : parameterGrid) {
        QStringList quoted;
        for (const QString& v : values)
            quoted << quotedValue(v);
        addAxis(key, quoted.join(QStringLiteral(", ")));
    }
    if (!parameterGrid.isEmpty())
        m_ui->keepGridRadio->setChecked(true);
    const QStringList fromConditions = parameterGrid.isEmpty() ? ConditionGrid::keys(currentConditions) : QStringList();
    for (const QString& key : fromConditions) {
        QStringList values;
        for (const QString& condition : currentConditions) {
            const QString v = ConditionGrid::value(condition, key);
            if (!v.isEmpty() && !values.contains(v))
                values << v;
        }
        QStringList quoted;
        for (const QString& v : std::as_const(values))
            quoted << quotedValue(v);
        addAxis(key, quoted.join(QStringLiteral(", ")));
    }
    if (m_ui->gridAxes->rowCount() == 0)
        addAxis(QString(), QString());
    m_ui->gridAxes->setCurrentCell(
        0, m_ui->gridAxes->rowCount() > 0 && !m_ui->gridAxes->item(0, 0)->text().isEmpty() ? 1 : 0);

    connect(m_ui->addAxisButton, &QPushButton::clicked, this, [this] {
        addAxis(QString(), QString());
        m_ui->gridAxes->setCurrentCell(m_ui->gridAxes->rowCount() - 1, 0);
        m_ui->gridAxes->editItem(m_ui->gridAxes->currentItem());
    });
    connect(m_ui->removeAxisButton, &QPushButton::clicked, this, [this] {
        if (m_ui->gridAxes->currentRow() >= 0)
            m_ui->gridAxes->removeRow(m_ui->gridAxes->currentRow());
        updatePreview();
    });
    connect(m_ui->gridAxes, &QTableWidget::itemChanged, this, &GridDialog::updatePreview);
    connect(m_ui->buttonBox, &QDialogButtonBox::accepted, this, &QDialog::accept);
    connect(m_ui->buttonBox, &QDialogButtonBox::rejected, this, &QDialog::reject);
    updatePreview();
}

GridDialog::~GridDialog() = default;

void GridDialog::addAxis(const QString& key, const QString& values)
{
    const QSignalBlocker blocker(m_ui->gridAxes);
    const int row = m_ui->gridAxes->rowCount();
    m_ui->gridAxes->insertRow(row);
    m_ui->gridAxes->setItem(row, 0, new QTableWidgetItem(key));
    m_ui->gridAxes->setItem(row, 1, new QTableWidgetItem(values));
}

ResultOf<QList<QPair<QString, QStringList>>> GridDialog::axes() const
{
    QList<QPair<QString, QStringList>> out;
    QString error;
    QStringList seen;
    for (int row = 0; row < m_ui->gridAxes->rowCount(); ++row) {
        const auto* keyItem = m_ui->gridAxes->item(row, 0);
        const auto* valuesItem = m_ui->gridAxes->item(row, 1);
        QString key = keyItem ? keyItem->text().trimmed() : QString();
        if (key.startsWith(QLatin1String("--")))
            key = key.mid(2);
        const QString valuesText = valuesItem ? valuesItem->text() : QString();
        if (key.isEmpty() && valuesText.trimmed().isEmpty())
            continue;
        auto fail = [&](const QString& message) {
            if (error.isEmpty())
                error = message;
        };
        if (!ConditionGrid::isValidKey(key)) {
            fail(tr("Row %1: \"%2\" is not a valid key (letters, digits, '-', '_', '.')").arg(row + 1).arg(key));
            continue;
        }
        if (seen.contains(key)) {
            fail(tr("Row %1: --%2 appears twice").arg(row + 1).arg(key));
            continue;
        }
        const auto split = ConditionGrid::splitValues(valuesText);
        if (!split) {
            fail(tr("--%1: %2").arg(key, split.message()));
            continue;
        }
        const QStringList& values = *split;
        if (values.isEmpty()) {
            fail(tr("--%1 has no values").arg(key));
            continue;
        }
        seen << key;
        out << qMakePair(key, values);
    }
    if (!error.isEmpty())
        return Result::badInput(error);
    return out;
}

QStringList GridDialog::conditions() const
{
    return ConditionGrid::product(axes().valueOr({}));
}

bool GridDialog::replaceExisting() const
{
    return m_ui->replaceRadio->isChecked();
}

bool GridDialog::keepAsGrid() const
{
    return m_ui->keepGridRadio->isChecked();
}

Parameters::Grid GridDialog::grid() const
{
    return axes().valueOr({});
}

void GridDialog::updatePreview()
{
    const auto axesRead = axes();
    const QString error = axesRead.message();
    const auto ax = axesRead.valueOr({});
    const QStringList product = ConditionGrid::product(ax);
    m_ui->gridPreviewList->clear();
    QPalette palette = m_ui->gridPreview->palette();
    if (!error.isEmpty()) {
        palette.setColor(QPalette::WindowText, Theme::errorText(palette));
        m_ui->gridPreview->setText(error);
    } else {
        palette.setColor(QPalette::WindowText, this->palette().color(QPalette::WindowText));
        QStringList counts;
        for (const auto& axis : ax)
            counts << QString::number(axis.second.size());
        m_ui->gridPreview->setText(product.isEmpty()
                                       ? tr("Add a key and its values.")
                                       : tr("%1 = %2 %3:")
                                             .arg(counts.join(QStringLiteral(" × ")))
                                             .arg(product.size())
                                             .arg(product.size() == 1 ? tr("condition") : tr("conditions")));
        for (int i = 0; i < product.size() && i < 200; ++i)
            m_ui->gridPreviewList->addItem(product.at(i));
        if (product.size() > 200)
            m_ui->gridPreviewList->addItem(tr("… and %1 more").arg(product.size() - 200));
    }
    m_ui->gridPreview->setPalette(palette);
    m_ui->buttonBox->button(QDialogButtonBox::Ok)->setEnabled(error.isEmpty() && !product.isEmpty());
}
