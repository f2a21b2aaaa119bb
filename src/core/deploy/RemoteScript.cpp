// SPDX-License-Identifier: MIT
#include "RemoteScript.h"

#include "AppPaths.h"
#include "ShellWords.h"

#include <QFile>
#include <QRegularExpression>

namespace {

const QRegularExpression& placeholder()
{
    static const QRegularExpression re(QStringLiteral("@([A-Z][A-Z0-9_]*)@"));
    return re;
}

} // namespace

RemoteScript::RemoteScript(const QString& name)
    : m_name(name)
{
    QFile file(path(name));
    if (file.open(QIODevice::ReadOnly))
        m_text = QString::fromUtf8(file.readAll());
    else
        m_loadError = file.fileName() + QStringLiteral(": cannot read the script: ") + file.errorString();
}

RemoteScript RemoteScript::fromText(const QString& name, const QString& text)
{
    RemoteScript script;
    script.m_name = name;
    script.m_text = text;
    return script;
}

QString RemoteScript::path(const QString& name)
{
    return AppPaths::templatesDir() + QStringLiteral("/remote/") + name + QStringLiteral(".sh");
}

RemoteScript& RemoteScript::set(const QString& parameter, const QString& value)
{
    return setWords(parameter, QStringList { value });
}

RemoteScript& RemoteScript::setWords(const QString& parameter, const QStringList& words)
{
    m_values.insert(parameter, words);
    return *this;
}

RemoteScript& RemoteScript::call(const QString& function, const QStringList& arguments)
{
    static const QRegularExpression name(QStringLiteral("^[A-Za-z_][A-Za-z0-9_]*$"));
    if (!name.match(function).hasMatch()) {
        m_callError = QStringLiteral("%1: %2 is not a function name").arg(m_name, ShellWords::quote(function));
        return *this;
    }
    m_calls << (arguments.isEmpty() ? function : function + QLatin1Char(' ') + ShellWords::join(arguments));
    return *this;
}

QString RemoteScript::error() const
{
    if (!m_loadError.isEmpty())
        return m_loadError;
    if (!m_callError.isEmpty())
        return m_callError;
    for (const QString& p : parameters(m_text)) { // comments included: a template's own mistake shows
        if (!m_values.contains(p))
            return QStringLiteral("%1: the parameter %2 is not set").arg(m_name, p);
    }
    return QString();
}

QString RemoteScript::render() const
{
    if (const QString why = error(); !why.isEmpty()) // a broken installation: the script fails with the reason
        return QStringLiteral("echo %1 >&2; exit 125\n").arg(ShellWords::quote(why));
    // The template's comment lines go first: a value with a newline in a comment would end it and run.
    QString code;
    for (const QString& line : m_text.split(QLatin1Char('\n'))) {
        if (!line.trimmed().startsWith(QLatin1Char('#')))
            code += line + QLatin1Char('\n');
    }
    // One pass over the template: a value that looks like @NAME@ is never replaced again.
    QString text;
    qsizetype at = 0;
    for (auto it = placeholder().globalMatch(code); it.hasNext();) {
        const QRegularExpressionMatch m = it.next();
        text += code.mid(at, m.capturedStart() - at);
        text += ShellWords::join(m_values.value(m.captured(1)));
        at = m.capturedEnd();
    }
    text += code.mid(at);
    while (text.endsWith(QStringLiteral("\n\n")))
        text.chop(1);
    if (!text.endsWith(QLatin1Char('\n')))
        text += QLatin1Char('\n');
    for (const QString& line : m_calls)
        text += line + QLatin1Char('\n');
    return text;
}

QStringList RemoteScript::parameters(const QString& text)
{
    QStringList names;
    for (auto it = placeholder().globalMatch(text); it.hasNext();) {
        const QString name = it.next().captured(1);
        if (!names.contains(name))
            names << name;
    }
    return names;
}
