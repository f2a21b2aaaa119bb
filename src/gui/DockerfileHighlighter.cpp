// SPDX-License-Identifier: MIT
#include "DockerfileHighlighter.h"

#include "Theme.h"

#include <QApplication>

DockerfileHighlighter::DockerfileHighlighter(QTextDocument* document)
    : QSyntaxHighlighter(document)
    , m_instructionPattern(
          QStringLiteral(
              "^\\s*(FROM|RUN|CMD|LABEL|MAINTAINER|EXPOSE|ENV|ADD|COPY|ENTRYPOINT|VOLUME|USER|WORKDIR|ARG|ONBUILD|"
              "STOPSIGNAL|HEALTHCHECK|SHELL)\\b"),
          QRegularExpression::CaseInsensitiveOption)
    , m_stringPattern(QStringLiteral("\"(?:[^\"\\\\]|\\\\.)*\"|'[^']*'"))
    , m_variablePattern(QStringLiteral("\\$\\{?[A-Za-z_][A-Za-z0-9_]*\\}?"))
    , m_flagPattern(QStringLiteral("(?<=\\s)--?[A-Za-z][A-Za-z0-9-]*(=\\S*)?"))
{
    const bool dark = Theme::isDark(QApplication::palette());
    m_instruction.setForeground(dark ? QColor(110, 170, 255) : QColor(30, 80, 180));
    m_instruction.setFontWeight(QFont::Bold);
    m_comment.setForeground(dark ? QColor(130, 140, 150) : QColor(110, 115, 120));
    m_comment.setFontItalic(true);
    m_string.setForeground(dark ? QColor(160, 210, 130) : QColor(30, 120, 40));
    m_variable.setForeground(dark ? QColor(230, 170, 100) : QColor(160, 80, 0));
    m_flag.setForeground(dark ? QColor(200, 150, 230) : QColor(120, 50, 150));
}

void DockerfileHighlighter::highlightBlock(const QString& text)
{
    // A line continuing a RUN (previous line ended with a backslash) has no instruction of its own.
    const bool continuation = previousBlockState() == 1;
    setCurrentBlockState(text.trimmed().endsWith(QLatin1Char('\\')) ? 1 : 0);

    const QString trimmed = text.trimmed();
    if (trimmed.startsWith(QLatin1Char('#'))) {
        setFormat(0, text.size(), m_comment);
        if (continuation)
            setCurrentBlockState(1); // comments inside a continued RUN do not end it
        return;
    }
    if (!continuation) {
        const auto m = m_instructionPattern.match(text);
        if (m.hasMatch())
            setFormat(m.capturedStart(1), m.capturedLength(1), m_instruction);
    }
    for (auto it = m_flagPattern.globalMatch(text); it.hasNext();) {
        const auto m = it.next();
        setFormat(m.capturedStart(), m.capturedLength(), m_flag);
    }
    for (auto it = m_variablePattern.globalMatch(text); it.hasNext();) {
        const auto m = it.next();
        setFormat(m.capturedStart(), m.capturedLength(), m_variable);
    }
    for (auto it = m_stringPattern.globalMatch(text); it.hasNext();) {
        const auto m = it.next();
        setFormat(m.capturedStart(), m.capturedLength(), m_string);
    }
}
