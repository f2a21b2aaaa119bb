// SPDX-License-Identifier: MIT
#include "CommandLogDock.h"

#include "CommandLog.h"
#include "Theme.h"

#include <QApplication>
#include <QCheckBox>
#include <QClipboard>
#include <QHBoxLayout>
#include <QLabel>
#include <QPlainTextEdit>
#include <QScrollBar>
#include <QStyle>
#include <QToolButton>
#include <QVBoxLayout>

CommandLogDock::CommandLogDock(QWidget* parent)
    : QDockWidget(tr("Command Log"), parent)
    , m_view(new QPlainTextEdit)
{
    setObjectName(QStringLiteral("commandLogDock"));
    setFeatures(QDockWidget::DockWidgetClosable | QDockWidget::DockWidgetMovable | QDockWidget::DockWidgetFloatable);

    m_view->setObjectName(QStringLiteral("commandLog"));
    m_view->setAccessibleName(tr("Command log"));
    m_view->setReadOnly(true);
    m_view->setMaximumBlockCount(5000);
    m_view->setLineWrapMode(QPlainTextEdit::NoWrap);
    m_view->setFont(Theme::monospaceFont());
    m_view->setPlaceholderText(tr("Every command Logistician runs appears here, secrets redacted, ready to copy."));

    auto* copy = new QToolButton;
    copy->setObjectName(QStringLiteral("copyCommandLogButton"));
    copy->setText(tr("Copy All"));
    copy->setToolTip(tr("Copy every command to the clipboard"));
    copy->setAutoRaise(true);
    connect(copy, &QToolButton::clicked, this, &CommandLogDock::copyAll);
    auto* clear = new QToolButton;
    clear->setObjectName(QStringLiteral("clearCommandLogButton"));
    clear->setText(tr("Clear"));
    clear->setAutoRaise(true);
    connect(clear, &QToolButton::clicked, this, &CommandLogDock::clear);
    m_showRepeats = new QCheckBox(tr("Repeats"));
    m_showRepeats->setObjectName(QStringLiteral("showRepeatedCommands"));
    m_showRepeats->setToolTip(tr("Show every run of a command, including the status polls that repeat every few "
                                 "seconds"));
    m_repeatsLabel = new QLabel;
    m_repeatsLabel->setObjectName(QStringLiteral("hiddenRepeatsLabel"));
    m_repeatsLabel->setEnabled(false); // a quiet, secondary note

    auto* buttons = new QVBoxLayout;
    buttons->setContentsMargins(0, 0, 0, 0);
    buttons->addWidget(copy);
    buttons->addWidget(clear);
    buttons->addWidget(m_showRepeats);
    buttons->addWidget(m_repeatsLabel);
    buttons->addStretch();
    auto* content = new QWidget;
    auto* layout = new QHBoxLayout(content);
    layout->setContentsMargins(4, 0, 4, 4);
    layout->addWidget(m_view, 1);
    layout->addLayout(buttons);
    setWidget(content);

    connect(CommandLog::instance(), &CommandLog::commandStarted, this, &CommandLogDock::append);
}

QString CommandLogDock::text() const
{
    return m_view->toPlainText();
}

void CommandLogDock::copyAll() const
{
    QApplication::clipboard()->setText(m_view->toPlainText());
}

void CommandLogDock::clear()
{
    m_view->clear();
    m_shown.clear();
    m_hiddenRepeats = 0;
    updateRepeatsLabel();
}

void CommandLogDock::updateRepeatsLabel()
{
    m_repeatsLabel->setText(m_hiddenRepeats > 0 ? tr("%n hidden", nullptr, m_hiddenRepeats) : QString());
    m_repeatsLabel->setToolTip(tr("%n run(s) of commands already shown above", nullptr, m_hiddenRepeats));
}

void CommandLogDock::append(const QString& line)
{
    if (!m_showRepeats->isChecked() && m_shown.contains(line)) {
        ++m_hiddenRepeats;
        updateRepeatsLabel();
        return;
    }
    if (m_shown.size() > 10000) // bounded, like the view itself
        m_shown.clear();
    m_shown.insert(line);
    m_view->appendPlainText(line);
    m_view->verticalScrollBar()->setValue(m_view->verticalScrollBar()->maximum());
}
