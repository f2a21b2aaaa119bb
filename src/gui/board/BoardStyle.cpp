// SPDX-License-Identifier: MIT
#include "BoardStyle.h"

#include "board/BoardModel.h"

#include <QGuiApplication>
#include <QHash>
#include <QPainter>
#include <QPainterPath>
#include <QPixmap>

using Phase = DeploymentState::Phase;

namespace BoardStyle {

QColor colour(Phase phase)
{
    switch (phase) {
    case Phase::Queued:
        return QColor(0x94, 0x9b, 0xa6);
    case Phase::Provisioning:
        return QColor(0x9b, 0x7b, 0xe8);
    case Phase::Booting:
        return QColor(0x7c, 0x84, 0xf0);
    case Phase::Uploading:
        return QColor(0x2f, 0xa4, 0xd8);
    case Phase::Building:
        return QColor(0x14, 0xa8, 0xa0);
    case Phase::Running:
        return QColor(0x2b, 0x6f, 0xe0);
    case Phase::Succeeded:
        return QColor(0x1e, 0x9e, 0x4a);
    case Phase::Failed:
        return QColor(0xd9, 0x36, 0x36);
    case Phase::Unreachable:
        return QColor(0xe0, 0x8c, 0x0b);
    case Phase::Stopped:
        return QColor(0xa0, 0x72, 0x3c);
    case Phase::Terminated:
        return QColor(0x70, 0x75, 0x7e);
    case Phase::Preempted:
        return QColor(0x9b, 0x4d, 0xca);
    }
    return Qt::gray;
}

static QPixmap paintIcon(Phase phase, int size, qreal dpr)
{
    QPixmap pixmap(QSize(size, size) * dpr);
    pixmap.setDevicePixelRatio(dpr);
    pixmap.fill(Qt::transparent);
    QPainter p(&pixmap);
    p.setRenderHint(QPainter::Antialiasing);
    const QRectF r(0.5, 0.5, size - 1.0, size - 1.0);
    p.setPen(Qt::NoPen);
    p.setBrush(colour(phase));
    p.drawEllipse(r);
    QPen pen(Qt::white, size / 8.0, Qt::SolidLine, Qt::RoundCap, Qt::RoundJoin);
    p.setPen(pen);
    p.setBrush(Qt::NoBrush);
    const qreal s = size;
    switch (phase) {
    case Phase::Succeeded: {
        QPainterPath check;
        check.moveTo(s * 0.28, s * 0.52);
        check.lineTo(s * 0.44, s * 0.68);
        check.lineTo(s * 0.73, s * 0.35);
        p.drawPath(check);
        break;
    }
    case Phase::Failed:
        p.drawLine(QPointF(s * 0.33, s * 0.33), QPointF(s * 0.67, s * 0.67));
        p.drawLine(QPointF(s * 0.67, s * 0.33), QPointF(s * 0.33, s * 0.67));
        break;
    case Phase::Running: {
        QPolygonF play;
        play << QPointF(s * 0.38, s * 0.28) << QPointF(s * 0.74, s * 0.5) << QPointF(s * 0.38, s * 0.72);
        p.setPen(Qt::NoPen);
        p.setBrush(Qt::white);
        p.drawPolygon(play);
        break;
    }
    case Phase::Unreachable:
        p.drawLine(QPointF(s * 0.5, s * 0.25), QPointF(s * 0.5, s * 0.56));
        p.drawPoint(QPointF(s * 0.5, s * 0.74));
        break;
    case Phase::Stopped:
        p.setPen(Qt::NoPen);
        p.setBrush(Qt::white);
        p.drawRect(QRectF(s * 0.33, s * 0.33, s * 0.34, s * 0.34));
        break;
    case Phase::Terminated:
        p.drawLine(QPointF(s * 0.3, s * 0.5), QPointF(s * 0.7, s * 0.5));
        break;
    case Phase::Preempted: // a broken line: taken away mid-run
        p.drawLine(QPointF(s * 0.28, s * 0.5), QPointF(s * 0.44, s * 0.5));
        p.drawLine(QPointF(s * 0.56, s * 0.5), QPointF(s * 0.72, s * 0.5));
        break;
    case Phase::Queued:
        p.setPen(Qt::NoPen);
        p.setBrush(Qt::white);
        for (qreal x : { 0.3, 0.5, 0.7 })
            p.drawEllipse(QPointF(s * x, s * 0.5), s * 0.06, s * 0.06);
        break;
    default: // provisioning, booting, uploading, building: work in progress
        p.drawArc(QRectF(s * 0.27, s * 0.27, s * 0.46, s * 0.46), 90 * 16, 270 * 16);
        break;
    }
    return pixmap;
}

QIcon icon(Phase phase)
{
    static QHash<int, QIcon> cache;
    const int key = static_cast<int>(phase);
    auto it = cache.find(key);
    if (it != cache.end())
        return it.value();
    QIcon icon;
    const qreal dpr = qGuiApp ? qGuiApp->devicePixelRatio() : 1.0;
    for (int size : { 12, 16, 20, 24, 32 })
        icon.addPixmap(paintIcon(phase, size, qMax<qreal>(1.0, dpr)));
    cache.insert(key, icon);
    return icon;
}

} // namespace BoardStyle

void StateDelegate::initStyleOption(QStyleOptionViewItem* option, const QModelIndex& index) const
{
    QStyledItemDelegate::initStyleOption(option, index);
    const QVariant phase = index.data(BoardModel::PhaseRole);
    if (!phase.isValid())
        return;
    const auto p = static_cast<Phase>(phase.toInt());
    option->icon = BoardStyle::icon(p);
    option->features |= QStyleOptionViewItem::HasDecoration;
    option->decorationSize = QSize(16, 16);
    if (p == Phase::Failed || p == Phase::Unreachable)
        option->font.setBold(true);
}
