// SPDX-License-Identifier: MIT
#pragma once

#include <QObject>
#include <functional>

// The CLI's one way to wait: a verb runs on the main thread's event loop, so
// waiting for core work (a deployment, a command, the keychain) means handling
// events until what says it is over. Core and GUI never wait like this.
namespace Wait {

// Calls start with the function to call when the work is over, then handles events until that is called.
// Returns at once when it was called during start, or when underWay (if given) says after start that nothing is
// under way, so nothing would ever call it.
void until(const std::function<void(const std::function<void()>& over)>& start,
           const std::function<bool()>& underWay = {});

// Calls start, then handles events until sender emits signal (as until()).
template<typename Sender, typename Signal>
void forSignal(const Sender* sender, Signal signal, const std::function<void()>& start,
               const std::function<bool()>& underWay = {})
{
    QObject connection; // ends the connection with the wait
    until(
        [&](const std::function<void()>& over) {
            QObject::connect(sender, signal, &connection, [over] { over(); });
            if (start)
                start();
        },
        underWay);
}

// Handles events for this long.
void pause(int milliseconds);

} // namespace Wait
