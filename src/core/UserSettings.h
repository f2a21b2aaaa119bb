#pragma once

#include "Settings.h"

// The settings class's old name, kept only while src/core/deploy/, board/ and
// cli/SetupVerb (being reworked on other branches) still spell it: use Settings.
using UserSettings = Settings;
