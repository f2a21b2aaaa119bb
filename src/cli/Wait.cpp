// SPDX-License-Identifier: MIT
#include "Wait.h"

#include <QEventLoop>
#include <QTimer>

namespace Wait {

void until(const std::function<void(const std::function<void()>& over)>& start, const std::function<bool()>& underWay)
{
    QEventLoop loop;
    bool done = false;
    start([&] {
        done = true;
        loop.quit();
    });
    if (!done && (!underWay || underWay()))
        loop.exec();
}

void pause(int milliseconds)
{
    QTimer timer;
    timer.setSingleShot(true);
    forSignal(&timer, &QTimer::timeout, [&] { timer.start(milliseconds); });
}

} // namespace Wait
