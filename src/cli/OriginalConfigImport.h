// SPDX-License-Identifier: MIT
#pragma once

class CredentialStore;

// setup's step for the original Logistician's ~/.logistician/config.json:
// offers the import (or, non-interactive, does it) and prints what was done,
// then offers to delete the plain-text file. 0 when there is nothing to do or
// all went well, 1 when the keychain refused, 2 when the file is unusable.
int importOriginalConfig(bool interactive, bool deleteAfterwards, CredentialStore* store);
