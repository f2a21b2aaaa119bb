// SPDX-License-Identifier: MIT
#pragma once

#include <QString>
#include <optional>

// The results store's address and object names, checked without starting anything: the loader (and its
// fuzzer) needs these rules and nothing else of ResultsStore.
namespace ResultsStore {

constexpr const char* Key = "results_store";
// false: the bucket exists already (the user's own) and Logistician neither makes nor changes it.
constexpr const char* CreateKey = "results_store_create";
// How often a running attempt's logs go up, in seconds (5 to 86400; default 60): upload.sh watch.
constexpr const char* LogSecondsKey = "results_store_log_seconds";
constexpr int DefaultLogSeconds = 60;

struct Location
{
    QString bucket;
    QString prefix; // no leading or trailing '/'
    QString url() const { return QStringLiteral("s3://%1/%2").arg(bucket, prefix); }
    // PREFIX/data/SLUG/... holds the conditions' folders, laid out as data/ here (one transfer brings any number
    // of them home); PREFIX/uploaded/SLUG/KEY the markers (one short listing tells every condition's upload).
    QString dataPrefix() const { return prefix + QStringLiteral("/data/"); }
    QString dataUrl(const QString& slug) const { return url() + QStringLiteral("/data/") + slug; }
    QString markerPrefix() const { return prefix + QStringLiteral("/uploaded/"); }
    QString markersUrl(const QString& slug) const { return url() + QStringLiteral("/uploaded/") + slug; }
    QString markerKey(const QString& slug, const QString& attemptKey) const
    {
        return markerPrefix() + slug + QLatin1Char('/') + attemptKey;
    }
};

// Why text is no store address (empty when it is one): s3://BUCKET/PREFIX, BUCKET by S3's naming rules
// (3-63 lowercase letters, digits, '.' and '-', not like an IP address, ...), PREFIX one or more '/'-separated
// words of letters, digits, '.', '_' and '-' (not "." or ".."), at most 512 characters: every value reaches
// a shell, Terraform and an IAM policy.
QString rule(const QString& text);
QString bucketProblem(const QString& bucket);
QString prefixProblem(const QString& prefix);
std::optional<Location> parse(const QString& text);

// Why a key below a condition's data folder (relative to PREFIX/data/SLUG/) must not be written into the data
// folder (empty when it may): empty, absolute, a "." or ".." part, an empty part, a backslash or a control
// character. A download refuses the whole condition then.
QString keyProblem(const QString& relativeKey);

} // namespace ResultsStore
