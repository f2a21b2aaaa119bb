// SPDX-License-Identifier: MIT
#pragma once

#include <QMap>
#include <QString>
#include <QStringList>

// A shell script run on a host, from a file in templates/remote/: its @NAME@ parameters are
// replaced, in one pass, by values quoted with ShellWords (the one quoting function), and calls
// of the functions it defines are appended, every argument quoted the same way. No value is
// ever part of the script's text unquoted, and nothing in a value is read as a parameter.
class RemoteScript
{
public:
    // templates/remote/NAME.sh
    explicit RemoteScript(const QString& name);
    static RemoteScript fromText(const QString& name, const QString& text);

    // A parameter that is one word, or several words (e.g. the docker command).
    RemoteScript& set(const QString& parameter, const QString& value);
    RemoteScript& setWords(const QString& parameter, const QStringList& words);
    // A line "FUNCTION ARG..." after the template's text.
    RemoteScript& call(const QString& function, const QStringList& arguments);

    // The script; when the template cannot be read, a parameter is not set or a function name is not
    // a name, a script that says why on stderr and exits 125 (and error() says it too).
    QString render() const;
    QString error() const;

    // The @NAME@ parameters of a template's text, in order of first appearance.
    static QStringList parameters(const QString& text);
    static QString path(const QString& name);

private:
    RemoteScript() = default;

    QString m_name;
    QString m_text;
    QString m_loadError;
    QMap<QString, QStringList> m_values;
    QStringList m_calls; // rendered lines
    QString m_callError;
};
