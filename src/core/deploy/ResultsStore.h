// SPDX-License-Identifier: MIT
#pragma once

#include "Result.h"
#include "deploy/DeploymentState.h"

#include <QByteArray>
#include <QList>
#include <QString>
#include <optional>

class DeployContext;
class Parameters;

// The experiment's results store (parameters.json results_store: "s3://BUCKET/PREFIX"): each condition's
// folder goes there from its machine as its attempt ends, and sync reads it from there, so results come home
// after the machine is gone. Layout under PREFIX, per condition slug:
//   SLUG/data/...          the condition's folder (attempt 1's, later attempts' folders in it)
//   SLUG/uploaded/KEY      written last by an attempt's upload (KEY: DeploymentState::Condition::attemptKey)
// The transfers are the AWS CLI's (templates/remote/upload.sh on the machines, ResultsStoreSync here).
namespace ResultsStore {

constexpr const char* Key = "results_store";
// false: the bucket exists already (the user's own) and Logistician neither makes nor changes it.
constexpr const char* CreateKey = "results_store_create";

struct Location
{
    QString bucket;
    QString prefix; // no leading or trailing '/'
    QString url() const { return QStringLiteral("s3://%1/%2").arg(bucket, prefix); }
    // The folder of one condition in the store, s3://BUCKET/PREFIX/SLUG.
    QString conditionUrl(const QString& slug) const { return url() + QLatin1Char('/') + slug; }
    QString conditionPrefix(const QString& slug) const { return prefix + QLatin1Char('/') + slug + QLatin1Char('/'); }
};

// Why text is no store address (empty when it is one): s3://BUCKET/PREFIX, BUCKET by S3's naming rules
// (3-63 lowercase letters, digits, '.' and '-', not like an IP address, ...), PREFIX one or more '/'-separated
// words of letters, digits, '.', '_' and '-' (not "." or ".."), at most 512 characters: every value reaches
// a shell, Terraform and an IAM policy.
QString rule(const QString& text);
QString bucketProblem(const QString& bucket);
QString prefixProblem(const QString& prefix);
std::optional<Location> parse(const QString& text);

// The store of these parameters; nullopt when results_store is not set (or not valid: load refuses that).
std::optional<Location> of(const Parameters& parameters);
// Whether Logistician makes the bucket (results_store_create, default true).
bool createsBucket(const Parameters& parameters);

// Why a key below a condition's data folder (relative to SLUG/data/) must not be written into the data
// folder (empty when it may): empty, absolute, a "." or ".." part, an empty part, a backslash or a control
// character. A download refuses the whole condition then.
QString keyProblem(const QString& relativeKey);

struct Object
{
    QString key;
    qint64 size = 0;
    QString etag; // without quotes; an MD5 in hex unless the object was uploaded in parts ("...-N")
};
// `aws s3api list-objects-v2 --output json`; empty output is no objects. Failed when not JSON.
ResultOf<QList<Object>> parseListing(const QByteArray& json);

// With a store: KEY.upload.sh beside KEY.sh in a runner folder (templates/remote/upload.sh), for the attempt
// `attempt` of the condition on host. Without one: nothing, and ok.
Result writeUploadScript(const DeployContext& ctx, const DeploymentState::Host& host,
                         const DeploymentState::Condition& condition, int attempt, const QString& folder);

// This user's folder of the stores: ~/.local/state/logistician/stores (XDG_STATE_HOME moves it), beside the
// deployment index; the buckets' Terraform folders (AwsStore) and the records below are in it.
QString userDir();
// This user's record of the stores that hold an experiment's results (userDir()/records):
// written when a deploy hands conditions to a store, removed by terminate --delete-store; `list` shows them,
// as their objects cost money after every deployment is gone.
struct Record
{
    QString url; // s3://BUCKET/PREFIX
    QString experiment;
    QString experimentDir;
    QString since; // ISO 8601, UTC
};
Result remember(const Location& store, const QString& experiment, const QString& experimentDir);
void forget(const Location& store);
QList<Record> records();

} // namespace ResultsStore
