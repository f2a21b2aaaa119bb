// SPDX-License-Identifier: MIT
#pragma once

#include "Result.h"
#include "deploy/DeploymentState.h"
#include "deploy/StoreAddress.h"

#include <QByteArray>
#include <QList>
#include <QString>
#include <optional>

class DeployContext;
class Parameters;

// The experiment's results store (parameters.json results_store: "s3://BUCKET/PREFIX"): each condition's
// folder goes there from its machine as its attempt ends, and sync reads it from there, so results come home
// after the machine is gone. Layout under PREFIX, per condition slug:
//   data/SLUG/...          the condition's folder (attempt 1's, later attempts' folders in it), laid out as the
//                          experiment's data/ folder, so one transfer brings any number of conditions home
//   uploaded/SLUG/KEY      written last by an attempt's upload (KEY: DeploymentState::Condition::attemptKey)
// The transfers are the AWS CLI's (templates/remote/upload.sh on the machines, ResultsStoreSync here).
namespace ResultsStore {

// The store of these parameters; nullopt when results_store is not set (or not valid: load refuses that).
std::optional<Location> of(const Parameters& parameters);
// Whether Logistician makes the bucket (results_store_create, default true).
bool createsBucket(const Parameters& parameters);
// How often a running attempt's logs go up, in seconds (results_store_log_seconds; default 60).
int logSeconds(const Parameters& parameters);

struct Object
{
    QString key;
    qint64 size = 0;
    QString etag; // without quotes; an MD5 in hex unless the object was uploaded in parts ("...-N")
};
// `aws s3api list-objects-v2 --output json`; empty output is no objects. Failed when not JSON.
ResultOf<QList<Object>> parseListing(const QByteArray& json);
// The bytes these objects hold (what their storage costs by: SweepSummary).
qint64 bytesOf(const QList<Object>& objects);

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
