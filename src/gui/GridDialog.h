// SPDX-License-Identifier: MIT
#pragma once

#include "Parameters.h"

#include <QDialog>
#include <QList>
#include <QPair>
#include <QStringList>
#include <memory>

namespace Ui {
class GridDialog;
}

// "Generate grid": values per key, expanded to their cartesian product.
class GridDialog : public QDialog
{
    Q_OBJECT
public:
    // Prefilled with the experiment's parameter_grid when it has one (and "keep it as a grid" chosen),
    // otherwise with the keys and distinct values of the current conditions.
    explicit GridDialog(const QStringList& currentConditions, const Parameters::Grid& parameterGrid = {},
                        QWidget* parent = nullptr);
    ~GridDialog() override;

    // The rows as keys and values; BadInput naming the first row that is wrong.
    ResultOf<QList<QPair<QString, QStringList>>> axes() const;
    QStringList conditions() const; // the product
    bool replaceExisting() const;
    // The grid is to be saved as parameter_grid, not expanded into conditions.
    bool keepAsGrid() const;
    Parameters::Grid grid() const; // the keys in the order of the rows

private:
    void addAxis(const QString& key, const QString& values);
    void updatePreview();

    std::unique_ptr<Ui::GridDialog> m_ui;
};
