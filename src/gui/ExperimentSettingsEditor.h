// SPDX-License-Identifier: MIT
#pragma once

#include "Parameters.h"

#include <QJsonObject>
#include <QJsonValue>
#include <QList>
#include <QMap>
#include <QWidget>
#include <optional>

class QComboBox;
class QGroupBox;
class QFormLayout;
class QLabel;
class QLayout;
class QPushButton;
class QUndoStack;

// The Settings tab: every parameters.json key other than the conditions as a
// form (command and grid, backend and machines, AWS, registry, limits). Each
// field is checked with the loader's own rules (Parameters::parse on the key
// alone), its message shown under the field. Saving is the experiment page's
// business: apply() writes only the keys whose field changed into a freshly
// read Parameters, so unknown and untouched keys stay as they were.
class ExperimentSettingsEditor : public QWidget
{
    Q_OBJECT
public:
    explicit ExperimentSettingsEditor(QWidget* parent = nullptr);
    ~ExperimentSettingsEditor() override;

    void load(const Parameters& parameters);
    bool isModified() const;
    bool hasProblems() const;
    // "key: message" for each field that does not pass.
    QStringList problems() const;
    // Writes the changed fields into parameters (a key left empty is removed).
    void apply(Parameters* parameters) const;
    void markSaved();
    // Back to the values last loaded or saved.
    void revert();
    // The experiment's .logistician folder: Test Connection uses its known_hosts, as deploy does.
    void setStateDir(const QString& stateDir);
    // Each field edit (typing merges per field), the grid from Generate Grid and Revert, undoable: the tab's
    // stack in the window's undo group.
    QUndoStack* undoStack() const { return m_undo; }
    // Puts this grid into the parameter_grid field (not saved yet).
    void setParameterGrid(const Parameters::Grid& grid);
    // Logs in to each host in the hosts field (in the background); hostsTested() follows.
    void testHosts();

Q_SIGNALS:
    void saveRequested();
    void modifiedChanged(bool modified);
    void hostsTested();
    // The parameter_grid field as typed (saved or not), each time it changes and reads as a grid.
    void parameterGridChanged(const Parameters::Grid& grid);

private:
    void buildMachinesGroup(QFormLayout* machines); // the backend, the hosts and their test
    void addLimitFields(QFormLayout* limits);
    QLayout* buildButtonRow(); // what is unsaved, Revert, Save
    enum class Kind
    {
        Text, // QLineEdit; empty removes the key
        Lines, // QPlainTextEdit, one list item per line
        Grid, // QPlainTextEdit, "key: value, value" per line
        Number, // QSpinBox; the special value (minimum) removes the key when removeAtMinimum
        Choice, // QComboBox with the value as item data
        Check // QCheckBox; unticked removes the key
    };
    struct Field
    {
        QString key;
        Kind kind;
        QWidget* editor = nullptr;
        QLabel* error = nullptr;
        QString loaded; // the field's text as loaded, to tell what changed
        QString current; // the text the undo stack last saw
        bool removeAtMinimum = false;
        QString problem;
    };

    // Its label and help come from ParameterSchema.
    void addField(class QFormLayout* form, const QString& key, Kind kind, QWidget* editor);
    QString text(const Field& field) const;
    void setText(Field& field, const QString& text);
    // The JSON value the field stands for; nullopt removes the key. BadInput for a malformed field.
    ResultOf<std::optional<QJsonValue>> value(const Field& field) const;
    void check(Field& field);
    void fieldEdited();
    void updateBackendGroups();
    void updateAwsNotes();
    void recordEdits();
    friend class SettingsFieldEdit;

public:
    // Sets field index's text as an undo step does (no new step).
    void setFieldText(int index, const QString& text);

private:
    void showHostAnswers();
    const Field* field(const QString& key) const;

    QList<Field> m_fields;
    QComboBox* m_backend = nullptr;
    QGroupBox* m_awsGroup = nullptr;
    QWidget* m_hosts = nullptr;
    QPushButton* m_saveButton = nullptr;
    QPushButton* m_revertButton = nullptr;
    QLabel* m_status = nullptr;
    QLabel* m_price = nullptr;
    QLabel* m_cidrWarning = nullptr;
    QPushButton* m_testHosts = nullptr;
    QLabel* m_hostAnswers = nullptr;
    QMap<QString, QString> m_answers; // host -> what its test said
    int m_testing = 0; // hosts still being tested
    QString m_stateDir;
    QString m_dockerProgram = QStringLiteral("docker");
    QJsonObject m_unedited; // the file's values of backend keys this form does not edit (slurm's object)
    bool m_loading = false;
    bool m_undoing = false;
    QUndoStack* m_undo = nullptr;
    bool m_wasModified = false;
    QString m_gridShown; // the grid text last announced by parameterGridChanged
};
