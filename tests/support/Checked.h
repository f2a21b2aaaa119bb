// SPDX-License-Identifier: MIT
#pragma once

#include <QTest>

// QVERIFY and QCOMPARE return from the function they are written in: in a
// helper, a failed check ends the helper and the test function goes on. Call
// such helpers through CHECKED, which ends the test function too when the
// helper recorded a failure.
#define CHECKED(call)                                                                                                  \
    do {                                                                                                               \
        call;                                                                                                          \
        if (QTest::currentTestFailed())                                                                                \
            return;                                                                                                    \
    } while (false)
