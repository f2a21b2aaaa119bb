// SPDX-License-Identifier: MIT
#pragma once

#include <QRegularExpression>
#include <QSyntaxHighlighter>
#include <QTextCharFormat>

// Simple Dockerfile colouring: instructions, comments, strings, variables and
// the `# syntax=` style parser directives; colours follow the palette (light or dark).
class DockerfileHighlighter : public QSyntaxHighlighter
{
    Q_OBJECT
public:
    explicit DockerfileHighlighter(QTextDocument* document);

protected:
    void highlightBlock(const QString& text) override;

private:
    QTextCharFormat m_instruction;
    QTextCharFormat m_comment;
    QTextCharFormat m_string;
    QTextCharFormat m_variable;
    QTextCharFormat m_flag;
    QRegularExpression m_instructionPattern;
    QRegularExpression m_stringPattern;
    QRegularExpression m_variablePattern;
    QRegularExpression m_flagPattern;
};
