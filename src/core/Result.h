// SPDX-License-Identifier: MIT
#pragma once

#include <QString>
#include <optional>
#include <type_traits>
#include <utility>

// Where in a file an error was found; a line of 0 names the file only.
struct SourceLocation
{
    QString file;
    int line = 0;
    int column = 0;

    bool isNull() const { return file.isEmpty(); }
    // "parameters.json:7:15", or "parameters.json" without a line.
    QString toString() const
    {
        if (line <= 0)
            return file;
        return QStringLiteral("%1:%2:%3").arg(file).arg(line).arg(column);
    }
};

// The one error type of core: how a step ended (its kind), what went wrong for
// people, and where in an input file when an input file is to blame.
//
// The kinds are the answers a caller acts on differently:
// - BadInput: the user gave something wrong (a file, an option); fix it and retry.
// - NotFound: what was asked for does not exist (a keychain entry); often not an
//   error at all for the caller.
// - Unavailable: a service the step needs does not answer (no keychain, no Docker
//   engine); the remedy is outside this program.
// - Cancelled: the user said no.
// - Failed: the work itself went wrong.
class Result
{
public:
    enum class Kind
    {
        Ok,
        BadInput,
        NotFound,
        Unavailable,
        Cancelled,
        Failed
    };

    // Ok: an out-parameter starts as "nothing went wrong yet".
    Result() = default;

    static Result ok() { return Result(); }
    static Result badInput(const QString& message, const SourceLocation& where = SourceLocation())
    {
        return Result(Kind::BadInput, message, where);
    }
    static Result notFound(const QString& message) { return Result(Kind::NotFound, message); }
    static Result unavailable(const QString& message) { return Result(Kind::Unavailable, message); }
    static Result cancelled(const QString& message) { return Result(Kind::Cancelled, message); }
    static Result failed(const QString& message) { return Result(Kind::Failed, message); }

    // The process exit code for a kind; the CLI's only mapping. 0 success, 2 bad
    // input or usage, 1 anything else that went wrong (as the README documents).
    static int exitCode(Kind kind)
    {
        switch (kind) {
        case Kind::Ok:
            return 0;
        case Kind::BadInput:
            return 2;
        case Kind::NotFound:
        case Kind::Unavailable:
        case Kind::Cancelled:
        case Kind::Failed:
            return 1;
        }
        return 1;
    }

    bool isOk() const { return m_kind == Kind::Ok; }
    explicit operator bool() const { return isOk(); }
    Kind kind() const { return m_kind; }
    int exitCode() const { return exitCode(m_kind); }
    // For people: "file:line:col: what" when there is a location, else what.
    QString message() const
    {
        if (m_location.isNull())
            return m_what;
        return m_location.toString() + QStringLiteral(": ") + m_what;
    }
    // What went wrong, without the location.
    const QString& what() const { return m_what; }
    const SourceLocation& location() const { return m_location; }

private:
    Result(Kind kind, const QString& what, const SourceLocation& where = SourceLocation())
        : m_kind(kind)
        , m_what(what)
        , m_location(where)
    {
    }
    Kind m_kind = Kind::Ok;
    QString m_what;
    SourceLocation m_location;
};

// What a step made, or why it could not: the value form of Result (C++ has no
// class and class template of one name, so Result stays the form without a
// value). Built from a T (success) or from a Result that is not Ok (the error,
// with its kind and location); there is no out-parameter. T may be move-only:
//   ResultOf<Experiment> opened = Experiment::open(dir);
//   if (!opened)
//       return opened.error();
//   Experiment experiment = opened.take();
template<typename T> class ResultOf
{
public:
    // A value: a T, or anything a T is made from (a QJsonValue for a std::optional<QJsonValue>).
    template<typename U = T,
             typename = std::enable_if_t<
                 std::is_constructible_v<
                     T, U&&> && !std::is_same_v<std::decay_t<U>, Result> && !std::is_same_v<std::decay_t<U>, ResultOf>>>
    ResultOf(U&& value)
        : m_value(std::in_place, std::forward<U>(value))
    {
    }
    // An error; an Ok Result without a value is a programming error and turns
    // into Failed so that value() is never reached without one.
    ResultOf(const Result& error)
        : m_error(error.isOk() ? Result::failed(QStringLiteral("no value")) : error)
    {
    }

    bool isOk() const { return m_value.has_value(); }
    explicit operator bool() const { return isOk(); }
    // Ok when there is a value, else the error.
    const Result& error() const { return m_error; }
    Result::Kind kind() const { return m_error.kind(); }
    QString message() const { return m_error.message(); }
    int exitCode() const { return m_error.exitCode(); }

    // The value; only when isOk().
    T& value() & { return *m_value; }
    const T& value() const& { return *m_value; }
    T&& value() && { return std::move(*m_value); }
    T& operator*() & { return *m_value; }
    const T& operator*() const& { return *m_value; }
    T&& operator*() && { return std::move(*m_value); }
    T* operator->() { return &*m_value; }
    const T* operator->() const { return &*m_value; }
    // Moves the value out (for move-only T); only when isOk().
    T take() { return std::move(*m_value); }
    // The value, or fallback when there is an error.
    T valueOr(T fallback) const& { return m_value ? *m_value : std::move(fallback); }
    T valueOr(T fallback) && { return m_value ? std::move(*m_value) : std::move(fallback); }

private:
    std::optional<T> m_value;
    Result m_error;
};
