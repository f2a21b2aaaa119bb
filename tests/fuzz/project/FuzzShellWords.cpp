// SPDX-License-Identifier: MIT
// libFuzzer target: ShellWords::split on any text. Properties checked beyond
// "no crash": whatever splits, quoting each word and splitting again gives the
// same words back (the quoting a command echo shows is exact), and a quoted
// word is one word.
#include "ShellWords.h"

#include <cstdint>
#include <cstdlib>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size)
{
    const QString text = QString::fromUtf8(reinterpret_cast<const char*>(data), static_cast<qsizetype>(size));
    const auto words = ShellWords::split(text);
    if (!words)
        return 0;
    const auto again = ShellWords::split(ShellWords::join(*words));
    if (!again || *again != *words)
        abort();
    for (const QString& word : *words) {
        const auto one = ShellWords::split(ShellWords::quote(word));
        if (!one || one->size() != 1 || one->first() != word)
            abort();
    }
    return 0;
}
