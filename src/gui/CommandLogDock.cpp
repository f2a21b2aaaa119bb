#include "CommandLogDock.h"

#include "CommandLog.h"
#include "Theme.h"

#include <QApplication>
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
    connect(clear, &QToolButton::clicked, m_view, &QPlainTextEdit::clear);

    auto* buttons = new QVBoxLayout;
    buttons->setContentsMargins(0, 0, 0, 0);
    buttons->addWidget(copy);
    buttons->addWidget(clear);
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

void CommandLogDock::append(const QString& line)
{
    m_view->appendPlainText(line);
    m_view->verticalScrollBar()->setValue(m_view->verticalScrollBar()->maximum());
}
