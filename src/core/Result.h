#pragma once

#include <QString>

// The outcome of a step that can go wrong in two ways the user must tell
// apart: bad input (exit code 2) and work that failed (exit code 1).
class Result
{
public:
    enum class Kind
    {
        Ok,
        BadInput,
        Failed
    };

    static Result ok() { return Result(Kind::Ok, QString()); }
    static Result badInput(const QString& message) { return Result(Kind::BadInput, message); }
    static Result failed(const QString& message) { return Result(Kind::Failed, message); }

    bool isOk() const { return m_kind == Kind::Ok; }
    explicit operator bool() const { return isOk(); }
    Kind kind() const { return m_kind; }
    const QString& message() const { return m_message; }
    int exitCode() const { return m_kind == Kind::Ok ? 0 : m_kind == Kind::BadInput ? 2 : 1; }

private:
    Result(Kind kind, const QString& message)
        : m_kind(kind)
        , m_message(message)
    {
    }
    Kind m_kind;
    QString m_message;
};
