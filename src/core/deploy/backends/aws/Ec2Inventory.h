// SPDX-License-Identifier: MIT
#pragma once

#include "Command.h"
#include "deploy/MachineInventory.h"

#include <QList>
#include <QMap>
#include <QObject>
#include <QString>
#include <QStringList>
#include <functional>

// What EC2 itself holds of this user's Logistician machines, found through the API by their tags (managed_by,
// experiment) with the user's keys: for when the project folder and the deployment index entry are both gone,
// so no Terraform state names them. `list` shows them; `terminate --experiment NAME` terminates the instances by
// their IDs, waits until EC2 says they are, then deletes the experiment's security groups and key pairs (by their
// tag and name). Runs the aws CLI (AWS_ENDPOINT_URL honoured), never terraform: there is no state to run it on.
class Ec2Inventory : public MachineInventory
{
    Q_OBJECT
public:
    explicit Ec2Inventory(QObject* parent = nullptr);

    // The regions asked: the regions the index remembers (DeploymentIndex::knownRegions), the default region of
    // the settings and AWS_REGION / AWS_DEFAULT_REGION.
    static QStringList regions();
    // Why EC2 cannot be asked here (no aws CLI); empty when it can.
    static QString unavailable();

    // Looks in every region: the instances by their tags, and an experiment's security groups and key pairs.
    void find(const QString& experiment) override;
    // Terminates the instances find() found and waits until EC2 says they are, then deletes its security groups
    // and key pairs.
    void remove() override;

    // The aws command for a region with the keys (marked secret); public for tests.
    static Command awsCommand(const QString& region, const QStringList& args, const QMap<QString, QString>& keys);

private:
    void withKeys(std::function<void(const QMap<QString, QString>&)> then);
};
