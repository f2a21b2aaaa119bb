// SPDX-License-Identifier: MIT
// Linked into every test executable (logistician_add_test): before main, the
// process gets a home of its own, a fresh folder in the temporary folder with
// the XDG folders inside it, so no test reads a user's settings, keychain
// choices or SSH files, and what a test writes "in the home" (deploy data
// under ~/logistician, docker logins in ~/.docker) never lands in the real one.
// Processes the tests start (the CLI, sshd machines) inherit it; the sshd
// machines hand it on to their sessions (SshMachines: SetEnv HOME).
// Removed when the executable exits normally.

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <string>
#include <system_error>
#include <unistd.h>

namespace {

std::string& ownHome()
{
    static std::string home;
    return home;
}

pid_t s_maker = 0;

void removeOwnHome()
{
    // Only the folder this process made, and only in the process that made it (not in a forked child).
    if (ownHome().empty() || getpid() != s_maker)
        return;
    std::error_code ignored;
    std::filesystem::remove_all(ownHome(), ignored);
}

__attribute__((constructor)) void giveTheTestItsOwnHome()
{
    const char* tmp = getenv("TMPDIR");
    std::string pattern = std::string(tmp && *tmp ? tmp : "/tmp") + "/logistician-test-home-XXXXXX";
    if (!mkdtemp(pattern.data())) {
        std::perror("cannot make the test's own home");
        std::_Exit(1);
    }
    ownHome() = pattern;
    setenv("HOME", pattern.c_str(), 1);
    const struct
    {
        const char* variable;
        const char* folder;
    } xdg[] = { { "XDG_CONFIG_HOME", "/.config" },
                { "XDG_DATA_HOME", "/.local/share" },
                { "XDG_STATE_HOME", "/.local/state" },
                { "XDG_CACHE_HOME", "/.cache" } };
    for (const auto& entry : xdg) {
        const std::string dir = pattern + entry.folder;
        std::error_code error;
        std::filesystem::create_directories(dir, error);
        if (error) {
            std::fprintf(stderr, "cannot make %s: %s\n", dir.c_str(), error.message().c_str());
            std::_Exit(1);
        }
        setenv(entry.variable, dir.c_str(), 1);
    }
    s_maker = getpid();
    std::atexit(removeOwnHome);
}

} // namespace
