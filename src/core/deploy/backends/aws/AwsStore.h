// SPDX-License-Identifier: MIT
#pragma once

#include "Result.h"
#include "deploy/ResultsStore.h"

#include <QJsonObject>
#include <QMap>
#include <QObject>
#include <functional>

class Parameters;

// The results store on aws (ResultsStore): the bucket, and what lets the machines write into it.
//
// The bucket is a Terraform configuration of its own, in a folder per bucket of this user's (storeDir), never
// the machines' one: terminate destroys the machines' configuration, and the bucket and its objects outlive
// that (only terminate --delete-store removes the experiment's objects, after saying how many). It is private
// (ownership enforced: no ACLs), encrypted at rest (SSE-S3), versioned, and all public access is blocked.
// results_store_create false: the bucket is the user's own, and Logistician neither makes nor changes it.
//
// The machines get no keys: an IAM role that EC2 assumes, whose only rights are to list and write under the
// experiment's prefix (s3://BUCKET/PREFIX/...), reaches them through an instance profile, and the AWS CLI on
// the machine takes its short-lived credentials from the instance metadata service (IMDSv2). The role and the
// profile are in the machines' configuration and go with them.
namespace AwsStore {

// ResultsStore::userDir()/BUCKET: the bucket's own Terraform folder.
QString storeDir(const QString& bucket);
// The bucket's configuration (store.tf.json in storeDir).
QJsonObject bucketConfiguration(const QString& region, const ResultsStore::Location& store);
// The IAM policy document of the machines' role: list and write under the prefix only, as JSON text.
QString machinePolicy(const ResultsStore::Location& store);
// Adds the role, its policy and the instance profile to a machines' configuration (escaped already: see
// Terraform::configuration), when parameters name a store; returns the expression that names the instance
// profile (for Terraform::Settings::instanceProfile), or empty.
QString addMachineAccess(QJsonObject* configuration, const Parameters& parameters);
// The expression naming the instance profile, when parameters name a store; else empty.
QString instanceProfile(const Parameters& parameters);

// What the plan says of the store (empty without one): where results go, what storing them costs a month
// (AwsPrices::storage), and that terminate leaves them; with a store, the idle stop terminates.
QString planNote(const Parameters& parameters, const QString& region);
// Whether provision must make the bucket first: parameters name a store that Logistician makes, and this
// process has not applied its configuration yet.
bool bucketPending(const Parameters& parameters);
// Makes (or checks, when it exists) that bucket: terraform init and apply in storeDir, in the machines' region,
// with the AWS keys credentials gives (AwsBackend::withCredentials). progress is told what runs.
using Credentials = std::function<void(const QMap<QString, QString>&, const QString&)>;
void ensureBucket(QObject* owner, const Parameters& parameters, std::function<void(Credentials)> credentials,
                  std::function<void(const QString&)> progress, std::function<void(const Result&)> done);

} // namespace AwsStore
