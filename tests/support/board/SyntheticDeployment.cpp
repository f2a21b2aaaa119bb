// SPDX-License-Identifier: MIT
#include "SyntheticDeployment.h"

#include <QRandomGenerator>

using Phase = DeploymentState::Phase;

namespace SyntheticDeployment {

DeploymentState make(int count)
{
    DeploymentState state;
    state.experiment = QStringLiteral("sweep");
    state.backend = QStringLiteral("aws");
    state.commit = QStringLiteral("0123456789abcdef0123456789abcdef01234567");
    state.createdAt = QDateTime::currentDateTimeUtc();
    for (int i = 0; i < count; ++i) {
        DeploymentState::Host host;
        host.address = QStringLiteral("admin@10.%1.%2.%3").arg(i / 65536).arg((i / 256) % 256).arg(i % 256);
        state.hosts << host;
        DeploymentState::Condition c;
        c.index = i + 1;
        c.text = QStringLiteral("--lr 0.%1 --seed %2").arg(i % 10).arg(i);
        c.arguments = c.text.split(QLatin1Char(' '));
        c.slug = DeploymentState::slugFor(c.index, c.text);
        c.host = host.address;
        c.phase = Phase::Provisioning;
        state.conditions << c;
    }
    return state;
}

void advance(DeploymentState::Condition* c, QRandomGenerator* random, Finished finished)
{
    switch (c->phase) {
    case Phase::Provisioning:
        c->phase = Phase::Booting;
        break;
    case Phase::Booting:
        c->phase = Phase::Uploading;
        break;
    case Phase::Uploading:
        c->phase = Phase::Building;
        break;
    case Phase::Building:
        c->phase = Phase::Running;
        c->startedAt = QDateTime::currentDateTimeUtc().addSecs(-random->bounded(600));
        break;
    case Phase::Running: {
        const int roll = static_cast<int>(random->bounded(10));
        if (roll == 0) {
            c->phase = Phase::Unreachable;
        } else {
            c->exitCode = roll == 1 ? 3 : 0;
            c->phase = roll == 1 ? Phase::Failed : Phase::Succeeded;
            c->finishedAt = QDateTime::currentDateTimeUtc();
        }
        break;
    }
    case Phase::Unreachable:
        c->phase = Phase::Running;
        break;
    default:
        if (finished == Finished::StartOver) {
            c->phase = Phase::Running;
            c->exitCode = -1;
            c->finishedAt = QDateTime();
        }
        break;
    }
}

} // namespace SyntheticDeployment
