// SPDX-License-Identifier: MIT
#include "EnvironmentEditor.h"

#include "DockerfileHighlighter.h"
#include "ElidedLabel.h"
#include "Theme.h"

#include <QAction>
#include <QFile>
#include <QHBoxLayout>
#include <QKeyEvent>
#include <QLabel>
#include <QLineEdit>
#include <QPlainTextEdit>
#include <QSaveFile>
#include <QStyle>
#include <QToolButton>
#include <QVBoxLayout>

EnvironmentEditor::EnvironmentEditor(QWidget* parent)
    : QWidget(parent)
    , m_editor(new QPlainTextEdit)
    , m_pathLabel(new ElidedLabel)
    , m_saveButton(new QToolButton)
{
    setObjectName(QStringLiteral("environmentEditor"));
    m_editor->setObjectName(QStringLiteral("dockerfileEditor"));
    m_editor->setAccessibleName(tr("Dockerfile"));
    m_editor->setFont(Theme::monospaceFont());
    m_editor->setLineWrapMode(QPlainTextEdit::NoWrap);
    m_editor->setTabStopDistance(m_editor->fontMetrics().horizontalAdvance(QLatin1Char(' ')) * 4);
    new DockerfileHighlighter(m_editor->document());

    m_pathLabel->setObjectName(QStringLiteral("dockerfilePath"));
    m_pathLabel->setTextInteractionFlags(Qt::TextSelectableByMouse);
    QPalette p = m_pathLabel->palette();
    p.setColor(QPalette::WindowText, Theme::mutedText(palette()));
    m_pathLabel->setPalette(p);

    m_saveButton->setObjectName(QStringLiteral("saveDockerfileButton"));
    m_saveButton->setText(tr("Save"));
    m_saveButton->setIcon(style()->standardIcon(QStyle::SP_DialogSaveButton));
    m_saveButton->setToolButtonStyle(Qt::ToolButtonTextBesideIcon);
    m_saveButton->setAutoRaise(true);
    m_saveButton->setToolTip(tr("Save the Dockerfile (Ctrl+S)"));
    m_saveButton->setEnabled(false);
    connect(m_saveButton, &QToolButton::clicked, this, &EnvironmentEditor::saveRequested);

    auto* top = new QHBoxLayout;
    top->addWidget(m_pathLabel, 1);
    top->addWidget(m_saveButton);
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(6, 6, 6, 6);
    layout->addLayout(top);
    layout->addWidget(m_editor, 1);
    layout->addLayout(buildFindBar());

    connect(m_editor->document(), &QTextDocument::modificationChanged, this, [this](bool modified) {
        m_saveButton->setEnabled(modified);
        Q_EMIT modifiedChanged(modified);
    });
}

QLayout* EnvironmentEditor::buildFindBar()
{
    // Ctrl+F: a find bar under the editor. Enter finds the next match (from the top again after the
    // last), Shift+Enter the one before, Escape closes it and returns to the text.
    m_find = new QLineEdit;
    m_find->setObjectName(QStringLiteral("dockerfileFind"));
    m_find->setAccessibleName(tr("Find in the Dockerfile"));
    m_find->setPlaceholderText(tr("Find (Enter: next, Shift+Enter: previous, Esc: close)"));
    m_find->setClearButtonEnabled(true);
    m_find->installEventFilter(this);
    m_findStatus = new QLabel;
    m_findStatus->setObjectName(QStringLiteral("dockerfileFindStatus"));
    auto* bar = new QHBoxLayout;
    bar->addWidget(m_find, 1);
    bar->addWidget(m_findStatus);
    m_find->hide();
    m_findStatus->hide();
    auto* find = new QAction(tr("Find in the Dockerfile"), this);
    find->setObjectName(QStringLiteral("actionFindInDockerfile"));
    find->setShortcut(QKeySequence::Find);
    find->setShortcutContext(Qt::WidgetWithChildrenShortcut);
    connect(find, &QAction::triggered, this, [this] {
        const QString selected = m_editor->textCursor().selectedText();
        if (!selected.isEmpty() && !selected.contains(QChar::ParagraphSeparator))
            m_find->setText(selected);
        m_find->show();
        m_findStatus->show();
        m_find->setFocus(Qt::ShortcutFocusReason);
        m_find->selectAll();
    });
    addAction(find);
    connect(m_find, &QLineEdit::returnPressed, this, [this] { findNext(false); });
    connect(m_find, &QLineEdit::textEdited, this, [this] {
        // As you type: from where the match being typed starts.
        QTextCursor cursor = m_editor->textCursor();
        cursor.setPosition(cursor.selectionStart());
        m_editor->setTextCursor(cursor);
        findNext(false);
    });
    return bar;
}

bool EnvironmentEditor::findNext(bool backward)
{
    const QString text = m_find->text();
    m_findStatus->clear();
    if (text.isEmpty())
        return false;
    const QTextDocument::FindFlags flags = backward ? QTextDocument::FindBackward : QTextDocument::FindFlags();
    if (m_editor->find(text, flags))
        return true;
    // Wrap around once.
    const QTextCursor kept = m_editor->textCursor();
    QTextCursor from = kept;
    from.movePosition(backward ? QTextCursor::End : QTextCursor::Start);
    m_editor->setTextCursor(from);
    if (m_editor->find(text, flags))
        return true;
    m_editor->setTextCursor(kept);
    m_findStatus->setText(tr("Not found"));
    return false;
}

bool EnvironmentEditor::eventFilter(QObject* watched, QEvent* event)
{
    if (watched == m_find && event->type() == QEvent::KeyPress) {
        const auto* key = static_cast<QKeyEvent*>(event);
        if (key->key() == Qt::Key_Escape) {
            m_find->hide();
            m_findStatus->hide();
            m_editor->setFocus(Qt::OtherFocusReason);
            return true;
        }
        if ((key->key() == Qt::Key_Return || key->key() == Qt::Key_Enter)
            && key->modifiers().testFlag(Qt::ShiftModifier)) {
            findNext(true);
            return true;
        }
    }
    return QWidget::eventFilter(watched, event);
}

void EnvironmentEditor::load(const QString& dockerfilePath)
{
    m_path = dockerfilePath;
    QFile file(dockerfilePath);
    QString text;
    if (file.open(QIODevice::ReadOnly))
        text = QString::fromUtf8(file.readAll());
    m_editor->setPlainText(text);
    m_editor->document()->setModified(false);
    m_pathLabel->setFullText(file.exists() ? dockerfilePath : tr("%1 (new; created when saved)").arg(dockerfilePath));
}

Result EnvironmentEditor::save()
{
    QSaveFile file(m_path);
    const QByteArray content = m_editor->toPlainText().toUtf8();
    if (!file.open(QIODevice::WriteOnly) || file.write(content) != content.size() || !file.commit())
        return Result::failed(tr("%1: cannot save: %2").arg(m_path, file.errorString()));
    m_editor->document()->setModified(false);
    m_pathLabel->setText(m_path);
    return Result::ok();
}

bool EnvironmentEditor::isModified() const
{
    return m_editor->document()->isModified();
}
