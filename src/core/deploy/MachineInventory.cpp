// SPDX-License-Identifier: MIT
#include "MachineInventory.h"
