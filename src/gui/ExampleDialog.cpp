// SPDX-License-Identifier: MIT
#include "ExampleDialog.h"

#include "Dialogs.h"
#include "workspace/ExampleCopier.h"

#include <QDialogButtonBox>
#include <QDir>
#include <QFileInfo>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QListWidget>
#include <QPushButton>
#include <QStandardPaths>
#include <QVBoxLayout>

namespace {
constexpr int SummaryRole = Qt::UserRole;
} // namespace

ExampleDialog::ExampleDialog(const QString& examplesDir, QWidget* parent)
    : QDialog(parent)
    , m_list(new QListWidget)
    , m_summary(new QLabel)
    , m_destination(new QLineEdit)
    , m_buttons(new QDialogButtonBox(QDialogButtonBox::Ok | QDialogButtonBox::Cancel))
{
    setObjectName(QStringLiteral("exampleDialog"));
    setWindowTitle(tr("Open an Example"));
    m_list->setObjectName(QStringLiteral("exampleList"));
    m_list->setAccessibleName(tr("Examples"));
    for (const ExampleCopier::Example& e : ExampleCopier::available(examplesDir)) {
        auto* item = new QListWidgetItem(e.name, m_list);
        item->setData(SummaryRole, e.summary);
        item->setToolTip(e.summary);
    }
    m_summary->setObjectName(QStringLiteral("exampleSummary"));
    m_summary->setWordWrap(true);
    m_summary->setMinimumHeight(m_summary->fontMetrics().lineSpacing() * 3);
    m_summary->setAlignment(Qt::AlignTop | Qt::AlignLeft);
    m_destination->setObjectName(QStringLiteral("exampleDestination"));
    m_destination->setAccessibleName(tr("Folder to copy the example to"));
    m_destination->setToolTip(tr("A new folder (or an empty one): the example becomes a Git repository there"));
    auto* browse = new QPushButton(tr("&Browse…"));
    browse->setObjectName(QStringLiteral("exampleBrowseButton"));
    browse->setAccessibleName(tr("Choose the folder"));
    m_buttons->button(QDialogButtonBox::Ok)->setText(tr("&Copy and Open"));
    m_buttons->button(QDialogButtonBox::Ok)->setObjectName(QStringLiteral("exampleCopyButton"));

    auto* intro = new QLabel(tr("Each example is a small project with experiments ready to build, run and deploy. "
                                "It is copied to a folder of your choosing and committed as a Git repository of "
                                "its own."));
    intro->setWordWrap(true);
    auto* listLabel = new QLabel(tr("&Example:"));
    listLabel->setBuddy(m_list);
    auto* folderLabel = new QLabel(tr("&Folder:"));
    folderLabel->setBuddy(m_destination);
    auto* folderRow = new QHBoxLayout;
    folderRow->addWidget(m_destination, 1);
    folderRow->addWidget(browse);

    auto* layout = new QVBoxLayout(this);
    layout->addWidget(intro);
    layout->addWidget(listLabel);
    layout->addWidget(m_list, 1);
    layout->addWidget(m_summary);
    layout->addWidget(folderLabel);
    layout->addLayout(folderRow);
    layout->addWidget(m_buttons);
    resize(520, 420);

    connect(m_list, &QListWidget::currentRowChanged, this, &ExampleDialog::onExampleChanged);
    connect(m_list, &QListWidget::itemActivated, this, [this] {
        if (m_buttons->button(QDialogButtonBox::Ok)->isEnabled())
            accept();
    });
    connect(m_destination, &QLineEdit::textEdited, this, [this] { m_destinationEdited = true; });
    connect(m_destination, &QLineEdit::textChanged, this, &ExampleDialog::updateOk);
    connect(browse, &QPushButton::clicked, this, [this] {
        const QString start = QFileInfo(destination()).absolutePath();
        Gui::FileDialog::chooseDirectory(this, tr("Copy the Example to"), start, [this](const QString& dir) {
            // A chosen folder that is not empty gets a new folder inside it, named after the example.
            const bool empty = QDir(dir).isEmpty(QDir::AllEntries | QDir::Hidden | QDir::NoDotAndDotDot);
            setDestination(empty ? dir : freeFolder(dir + QLatin1Char('/') + exampleName()));
        });
    });
    connect(m_buttons, &QDialogButtonBox::accepted, this, &QDialog::accept);
    connect(m_buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
    if (m_list->count() > 0)
        m_list->setCurrentRow(0);
    else
        m_summary->setText(tr("No examples were found in %1.").arg(QDir::toNativeSeparators(examplesDir)));
    updateOk();
}

QString ExampleDialog::exampleName() const
{
    return m_list->currentItem() ? m_list->currentItem()->text() : QString();
}

QString ExampleDialog::destination() const
{
    return m_destination->text().trimmed();
}

void ExampleDialog::setDestination(const QString& dir)
{
    m_destinationEdited = true;
    m_destination->setText(QDir::toNativeSeparators(dir));
}

QString ExampleDialog::freeFolder(const QString& base)
{
    QString candidate = base;
    for (int n = 2; QFileInfo::exists(candidate); ++n)
        candidate = base + QLatin1Char('-') + QString::number(n);
    return candidate;
}

void ExampleDialog::onExampleChanged()
{
    QListWidgetItem* item = m_list->currentItem();
    m_summary->setText(item ? item->data(SummaryRole).toString() : QString());
    if (item && !m_destinationEdited) {
        QString home = QStandardPaths::writableLocation(QStandardPaths::DocumentsLocation);
        if (home.isEmpty() || !QFileInfo(home).isDir())
            home = QDir::homePath();
        m_destination->setText(
            QDir::toNativeSeparators(freeFolder(home + QStringLiteral("/logistician-") + item->text())));
    }
    updateOk();
}

void ExampleDialog::updateOk()
{
    m_buttons->button(QDialogButtonBox::Ok)->setEnabled(!exampleName().isEmpty() && !destination().isEmpty());
}
