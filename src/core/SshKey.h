// SPDX-License-Identifier: MIT
#pragma once

#include "Command.h"

#include <QString>

// The SSH key Logistician uses for its machines (ed25519, mode 0600).
namespace SshKey {

QString privateKeyPath(); // AppPaths::sshKeyPath()
QString publicKeyPath();
bool exists();
// ssh-keygen without a passphrase, quiet; run it with CommandRunner.
Command generateCommand(const QString& path);
// Sets 0600 on the private key; false if that fails.
bool restrictPermissions(const QString& path);

} // namespace SshKey
