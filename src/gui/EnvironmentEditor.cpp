// SPDX-License-Identifier: MIT
#include "EnvironmentEditor.h"

#include "DockerfileHighlighter.h"
#include "ElidedLabel.h"
#include "Theme.h"

#include <QFile>
#include <QHBoxLayout>
#include <QLabel>
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

    connect(m_editor->document(), &QTextDocument::modificationChanged, this, [this](bool modified) {
        m_saveButton->setEnabled(modified);
        Q_EMIT modifiedChanged(modified);
    });
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
