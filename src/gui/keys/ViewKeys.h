// SPDX-License-Identifier: MIT
#pragma once

#include <QString>

class QAbstractItemView;

// The keys every table of the app answers alike: Tab leaves the view (the
// arrows move between cells), Ctrl+C copies the selected rows as tab-separated
// values, ready to paste into a spreadsheet.
namespace ViewKeys {

void install(QAbstractItemView* view);
// The selected rows, in view order, visible columns only, one line each.
QString selectedRowsAsTsv(const QAbstractItemView* view);

} // namespace ViewKeys
