// SPDX-License-Identifier: MIT
#pragma once

#include <QString>

// Where Logistician's own files are: the installed data (templates, examples),
// the per-user configuration folder, the SSH key.
namespace AppPaths {

// templates/ and examples/ live here: $LOGISTICIAN_DATA_DIR, else the install
// prefix's share/logistician next to the binary, else the source tree.
QString dataDir();
QString templatesDir();
QString examplesDir();

// The `logistician` command itself, for the window to run a verb in a terminal: beside this
// executable (the build folder), else the one on PATH, else the bare name.
QString cliExecutable();

// ~/.config/logistician (QStandardPaths; XDG_CONFIG_HOME moves it). Created on demand.
QString configDir();
QString settingsFile();

// The setup SSH key: the config folder's ssh-key, or the original tool's
// ~/.logistician/ssh-key when only that exists.
QString sshKeyPath();

} // namespace AppPaths
