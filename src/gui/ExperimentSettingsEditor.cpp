// SPDX-License-Identifier: MIT
#include "ExperimentSettingsEditor.h"

#include "AsyncCommand.h"
#include "ParameterRules.h"
#include "ParameterSchema.h"
#include "Parameters.h"
#include "Settings.h"
#include "SshKey.h"
#include "Theme.h"
#include "deploy/HostCheck.h"
#include "deploy/Ssh.h"
#include "deploy/backends/BackendRegistry.h"

#include <QCheckBox>
#include <QComboBox>
#include <QFormLayout>
#include <QGroupBox>
#include <QHBoxLayout>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QLabel>
#include <QLineEdit>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QScrollArea>
#include <QSpinBox>
#include <QUndoCommand>
#include <QUndoStack>
#include <QVBoxLayout>

namespace {

QPlainTextEdit* listEdit(int lines)
{
    auto* edit = new QPlainTextEdit;
    edit->setTabChangesFocus(true);
    edit->setLineWrapMode(QPlainTextEdit::NoWrap);
    edit->setFont(Theme::monospaceFont());
    edit->setFixedHeight(edit->fontMetrics().lineSpacing() * lines + 2 * edit->frameWidth() + 8);
    return edit;
}

// The key's bounds from the schema; a key with no default (absent: the image's own size) has one step below its
// minimum, which stands for absent.
QSpinBox* numberBox(const QString& key, const QString& atMinimum, const QString& suffix)
{
    const ParameterSchema::Key& k = ParameterSchema::key(key);
    auto* box = new QSpinBox;
    box->setRange(k.defaultValue.isUndefined() ? k.minimum - 1 : k.minimum, k.maximum);
    box->setSpecialValueText(atMinimum);
    box->setSuffix(suffix);
    return box;
}

// The grid field's text, "key: value, value" per line, in the order typed; the error says what does not read.
ResultOf<Parameters::Grid> gridFromText(const QString& text)
{
    Parameters::Grid grid;
    for (const QString& line : text.split(QLatin1Char('\n'), Qt::SkipEmptyParts)) {
        if (line.trimmed().isEmpty())
            continue;
        const int colon = static_cast<int>(line.indexOf(QLatin1Char(':')));
        if (colon < 0)
            return Result::badInput(
                QObject::tr("each line is a key, a colon and its values separated by commas: lr: 0.1, 0.01"));
        const QString key = line.left(colon).trimmed();
        for (const auto& axis : std::as_const(grid)) {
            if (axis.first == key)
                return Result::badInput(QObject::tr("the key %1 is given twice").arg(key));
        }
        QStringList values;
        for (const QString& item : line.mid(colon + 1).split(QLatin1Char(','), Qt::SkipEmptyParts)) {
            if (!item.trimmed().isEmpty())
                values << item.trimmed();
        }
        grid.append({ key, values });
    }
    return grid;
}

QString gridText(const Parameters::Grid& grid)
{
    QStringList lines;
    for (const auto& [key, values] : grid)
        lines << key + QStringLiteral(": ") + values.join(QStringLiteral(", "));
    return lines.join(QLatin1Char('\n'));
}

} // namespace

// One field's change; consecutive edits of the same field merge into one step.
class SettingsFieldEdit : public QUndoCommand
{
public:
    SettingsFieldEdit(ExperimentSettingsEditor* editor, int index, const QString& label, QString before, QString after)
        : QUndoCommand(QObject::tr("Edit %1").arg(label))
        , m_editor(editor)
        , m_index(index)
        , m_before(std::move(before))
        , m_after(std::move(after))
    {
    }
    int id() const override { return 1000 + m_index; }
    bool mergeWith(const QUndoCommand* other) override
    {
        m_after = static_cast<const SettingsFieldEdit*>(other)->m_after;
        return true;
    }
    void undo() override { m_editor->setFieldText(m_index, m_before); }
    void redo() override
    {
        if (m_first) // the field shows it already: it was typed
            m_first = false;
        else
            m_editor->setFieldText(m_index, m_after);
    }

private:
    ExperimentSettingsEditor* m_editor;
    int m_index;
    QString m_before;
    QString m_after;
    bool m_first = true;
};

namespace {

// A titled group of the form, added to the column: the box and its form.
std::pair<QGroupBox*, QFormLayout*> addGroup(QVBoxLayout* column, const QString& title, const QString& name)
{
    auto* box = new QGroupBox(title);
    box->setObjectName(name);
    auto* form = new QFormLayout(box);
    form->setFieldGrowthPolicy(QFormLayout::AllNonFixedFieldsGrow);
    form->setRowWrapPolicy(QFormLayout::WrapLongRows);
    column->addWidget(box);
    return std::make_pair(box, form);
}

QScrollArea* scrollFor(QWidget* content)
{
    auto* scroll = new QScrollArea;
    scroll->setObjectName(QStringLiteral("experimentSettingsScroll"));
    scroll->setWidgetResizable(true);
    scroll->setFrameShape(QFrame::NoFrame);
    scroll->setWidget(content);
    return scroll;
}

} // namespace

ExperimentSettingsEditor::ExperimentSettingsEditor(QWidget* parent)
    : QWidget(parent)
    , m_undo(new QUndoStack(this))
{
    setObjectName(QStringLiteral("experimentSettings"));
    auto* content = new QWidget;
    auto* column = new QVBoxLayout(content);

    auto group = [column](const QString& title, const QString& name) { return addGroup(column, title, name); };

    auto [commandBox, command] = group(tr("Command"), QStringLiteral("commandGroup"));
    auto* commandEdit = new QLineEdit;
    commandEdit->setPlaceholderText(tr("none: the image's own CMD runs with the condition in $OPTIONS"));
    addField(command, QStringLiteral("experiment_command"), Kind::Text, commandEdit);
    addField(command, QStringLiteral("parameter_grid"), Kind::Grid, listEdit(4));

    auto [machinesBox, machines] = group(tr("Backend and machines"), QStringLiteral("machinesGroup"));
    buildMachinesGroup(machines);

    auto [awsBox, aws] = group(tr("AWS machines"), QStringLiteral("awsGroup"));
    m_awsGroup = awsBox;
    auto line = [](const QString& placeholder) {
        auto* edit = new QLineEdit;
        edit->setPlaceholderText(placeholder);
        return edit;
    };
    // What an empty field means, as the backend's schema says (ParameterSchema::Key::absent); the region's and
    // the type's name the defaults stored by setup, which deploy uses while the key is absent (updateAwsNotes).
    auto absent = [](const char* key) { return ParameterSchema::key(QLatin1String(key)).absent; };
    addField(aws, QStringLiteral("aws_region"), Kind::Text, line(QString()));
    addField(aws, QStringLiteral("aws_instance_type"), Kind::Text, line(QString()));
    m_price = new QLabel;
    m_price->setObjectName(QStringLiteral("awsPrice"));
    m_price->setWordWrap(true);
    aws->addRow(tr("Price:"), m_price);
    auto* spot = new QCheckBox(tr("Spot instances (cheaper; AWS may take one back)"));
    addField(aws, QStringLiteral("aws_spot"), Kind::Check, spot);
    addField(aws, QStringLiteral("aws_spot_max_price"), Kind::Text, line(absent("aws_spot_max_price")));
    addField(aws, QStringLiteral("aws_ami"), Kind::Text, line(absent("aws_ami")));
    addField(aws, QStringLiteral("aws_ami_user"), Kind::Text, line(absent("aws_ami_user")));
    addField(aws, QStringLiteral("aws_root_volume_size"), Kind::Number,
             numberBox(QStringLiteral("aws_root_volume_size"), absent("aws_root_volume_size"), tr(" GB")));
    m_fields.last().removeAtMinimum = true;
    addField(aws, QStringLiteral("aws_machines"), Kind::Number,
             numberBox(QStringLiteral("aws_machines"), absent("aws_machines"), tr(" machines")));
    m_fields.last().removeAtMinimum = true;
    addField(aws, QStringLiteral("aws_ssh_cidr"), Kind::Text, line(absent("aws_ssh_cidr")));
    m_cidrWarning = new QLabel;
    m_cidrWarning->setObjectName(QStringLiteral("sshRangeWarning"));
    m_cidrWarning->setWordWrap(true);
    m_cidrWarning->hide();
    aws->addRow(QString(), m_cidrWarning);

    auto [registryBox, registry] = group(tr("Registry"), QStringLiteral("registryGroup"));
    addField(registry, QStringLiteral("registry"), Kind::Text, line(tr("none: the image is built on each machine")));

    auto [limitsBox, limits] = group(tr("Limits"), QStringLiteral("limitsGroup"));
    addLimitFields(limits);
    column->addStretch(1);

    QScrollArea* scroll = scrollFor(content);

    QLayout* buttons = buildButtonRow();

    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 6, 6); // the buttons keep off the window's edge
    layout->addWidget(scroll, 1);
    layout->addLayout(buttons);
    connect(m_backend, &QComboBox::currentIndexChanged, this, &ExperimentSettingsEditor::updateBackendGroups);
    for (Field& f : m_fields)
        f.current = text(f);
    fieldEdited();
}

ExperimentSettingsEditor::~ExperimentSettingsEditor() = default;

void ExperimentSettingsEditor::buildMachinesGroup(QFormLayout* machines)
{
    m_backend = new QComboBox;
    // The longest choice must not widen the form past a small window.
    m_backend->setSizeAdjustPolicy(QComboBox::AdjustToMinimumContentsLengthWithIcon);
    m_backend->setMinimumContentsLength(16);
    for (const BackendTraits& backend : BackendRegistry::all())
        m_backend->addItem(backend.label, backend.name);
    addField(machines, QStringLiteral("backend"), Kind::Choice, m_backend);
    m_hosts = listEdit(3);
    addField(machines, QStringLiteral("hosts"), Kind::Lines, m_hosts);
    m_testHosts = new QPushButton(tr("Test &Connection"));
    m_testHosts->setObjectName(QStringLiteral("testHostsButton"));
    m_testHosts->setToolTip(tr("Log in to each host with the setup key and ask its Docker engine for its version"));
    m_hostAnswers = new QLabel;
    m_hostAnswers->setObjectName(QStringLiteral("hostAnswers"));
    m_hostAnswers->setWordWrap(true);
    m_hostAnswers->setTextInteractionFlags(Qt::TextSelectableByMouse);
    auto* testRow = new QHBoxLayout;
    testRow->addWidget(m_testHosts, 0, Qt::AlignTop);
    testRow->addWidget(m_hostAnswers, 1);
    machines->addRow(QString(), testRow);
    connect(m_testHosts, &QPushButton::clicked, this, &ExperimentSettingsEditor::testHosts);
}

void ExperimentSettingsEditor::addLimitFields(QFormLayout* limits)
{
    addField(limits, QStringLiteral("max_parallel"), Kind::Number,
             numberBox(QStringLiteral("max_parallel"), QString(), tr(" per machine")));
    addField(limits, QStringLiteral("auto_stop_minutes"), Kind::Number,
             numberBox(QStringLiteral("auto_stop_minutes"), tr("never"), tr(" min idle")));
    addField(limits, QStringLiteral("max_runtime_minutes"), Kind::Number,
             numberBox(QStringLiteral("max_runtime_minutes"), tr("no limit"), tr(" min")));
    addField(limits, QStringLiteral("max_retries"), Kind::Number,
             numberBox(QStringLiteral("max_retries"), tr("none"), tr(" per condition")));
    m_fields.last().removeAtMinimum = true;
    // With a results store: how often a running condition's log goes up.
    addField(limits, QStringLiteral("results_store_log_seconds"), Kind::Number,
             numberBox(QStringLiteral("results_store_log_seconds"), QString(), tr(" s")));
}

QLayout* ExperimentSettingsEditor::buildButtonRow()
{
    m_status = new QLabel;
    m_status->setObjectName(QStringLiteral("settingsStatus"));
    m_status->setWordWrap(true);
    m_revertButton = new QPushButton(tr("Revert"));
    m_revertButton->setObjectName(QStringLiteral("revertSettingsButton"));
    m_revertButton->setToolTip(tr("Back to the values in parameters.json"));
    m_saveButton = new QPushButton(tr("Save"));
    m_saveButton->setObjectName(QStringLiteral("saveSettingsButton"));
    m_saveButton->setToolTip(tr("Write these settings into parameters.json (Ctrl+S)"));
    connect(m_saveButton, &QPushButton::clicked, this, &ExperimentSettingsEditor::saveRequested);
    connect(m_revertButton, &QPushButton::clicked, this, &ExperimentSettingsEditor::revert);
    auto* buttons = new QHBoxLayout;
    buttons->addWidget(m_status, 1);
    buttons->addWidget(m_revertButton);
    buttons->addWidget(m_saveButton);
    return buttons;
}

void ExperimentSettingsEditor::addField(QFormLayout* form, const QString& key, Kind kind, QWidget* editor)
{
    // The label and the help are the schema's, as the loader and the CLI know the key.
    const ParameterSchema::Key& schema = ParameterSchema::key(key);
    const QString label = schema.label + QLatin1Char(':');
    const QString& help = schema.help;
    Field field;
    field.key = key;
    field.kind = kind;
    field.editor = editor;
    editor->setObjectName(key);
    editor->setToolTip(help + QStringLiteral(" (") + key + QLatin1Char(')'));
    editor->setAccessibleName(label.chopped(1));
    field.error = new QLabel;
    field.error->setObjectName(key + QStringLiteral("Error"));
    field.error->setWordWrap(true);
    field.error->setTextInteractionFlags(Qt::TextSelectableByMouse);
    QPalette p = field.error->palette();
    p.setColor(QPalette::WindowText, Theme::errorText(palette()));
    field.error->setPalette(p);
    field.error->hide();
    auto* cell = new QWidget;
    auto* cellLayout = new QVBoxLayout(cell);
    cellLayout->setContentsMargins(0, 0, 0, 0);
    cellLayout->setSpacing(2);
    cellLayout->addWidget(editor);
    cellLayout->addWidget(field.error);
    auto* labelWidget = new QLabel(label);
    labelWidget->setBuddy(editor);
    labelWidget->setToolTip(key);
    form->addRow(labelWidget, cell);
    m_fields.append(field);

    auto edited = [this] { fieldEdited(); };
    if (auto* edit = qobject_cast<QLineEdit*>(editor))
        connect(edit, &QLineEdit::textChanged, this, edited);
    else if (auto* text = qobject_cast<QPlainTextEdit*>(editor))
        connect(text, &QPlainTextEdit::textChanged, this, edited);
    else if (auto* spin = qobject_cast<QSpinBox*>(editor))
        connect(spin, &QSpinBox::valueChanged, this, edited);
    else if (auto* combo = qobject_cast<QComboBox*>(editor))
        connect(combo, &QComboBox::currentIndexChanged, this, edited);
    else if (auto* box = qobject_cast<QCheckBox*>(editor))
        connect(box, &QCheckBox::toggled, this, edited);
}

QString ExperimentSettingsEditor::text(const Field& field) const
{
    switch (field.kind) {
    case Kind::Text:
        return static_cast<QLineEdit*>(field.editor)->text();
    case Kind::Lines:
    case Kind::Grid:
        return static_cast<QPlainTextEdit*>(field.editor)->toPlainText();
    case Kind::Number:
        return QString::number(static_cast<QSpinBox*>(field.editor)->value());
    case Kind::Choice:
        return static_cast<QComboBox*>(field.editor)->currentData().toString();
    case Kind::Check:
        return static_cast<QCheckBox*>(field.editor)->isChecked() ? QStringLiteral("true") : QStringLiteral("false");
    }
    return QString();
}

void ExperimentSettingsEditor::setText(Field& field, const QString& text)
{
    switch (field.kind) {
    case Kind::Text:
        static_cast<QLineEdit*>(field.editor)->setText(text);
        break;
    case Kind::Lines:
    case Kind::Grid:
        static_cast<QPlainTextEdit*>(field.editor)->setPlainText(text);
        break;
    case Kind::Number:
        static_cast<QSpinBox*>(field.editor)->setValue(text.toInt());
        break;
    case Kind::Choice: {
        auto* combo = static_cast<QComboBox*>(field.editor);
        combo->setCurrentIndex(qMax(0, combo->findData(text)));
        break;
    }
    case Kind::Check:
        static_cast<QCheckBox*>(field.editor)->setChecked(text == QLatin1String("true"));
        break;
    }
}

void ExperimentSettingsEditor::load(const Parameters& parameters)
{
    m_loading = true;
    m_dockerProgram = parameters.remoteDockerCommand();
    m_hostAnswers->clear();
    const QJsonObject json = parameters.json();
    // A backend's keys this form has no field for (slurm's object), as the file has them.
    m_unedited = QJsonObject();
    for (const ParameterSchema::BackendKeys& backend : ParameterSchema::backendKeys()) {
        for (const ParameterSchema::Key& k : backend.keys) {
            if (!field(k.key) && json.contains(k.key))
                m_unedited.insert(k.key, json.value(k.key));
        }
    }
    for (Field& field : m_fields) {
        const QJsonValue v = json.value(field.key);
        QString t;
        switch (field.kind) {
        case Kind::Text:
            t = v.toString();
            break;
        case Kind::Lines: {
            QStringList lines;
            for (const QJsonValue& item : v.toArray())
                lines << item.toString();
            t = lines.join(QLatin1Char('\n'));
            break;
        }
        case Kind::Grid:
            t = gridText(parameters.parameterGrid()); // in the order written
            break;
        case Kind::Number: {
            auto* spin = static_cast<QSpinBox*>(field.editor);
            t = QString::number(v.isDouble() ? v.toInt() : spin->minimum());
            break;
        }
        case Kind::Choice:
            t = v.isString() ? v.toString() : parameters.backend(); // its default when unset
            break;
        case Kind::Check:
            t = v.toBool() ? QStringLiteral("true") : QStringLiteral("false");
            break;
        }
        setText(field, t);
        field.loaded = text(field);
        field.current = field.loaded;
    }
    m_undo->clear();
    m_loading = false;
    fieldEdited();
}

ResultOf<std::optional<QJsonValue>> ExperimentSettingsEditor::value(const Field& field) const
{
    const QString t = text(field);
    switch (field.kind) {
    case Kind::Text:
        if (t.isEmpty())
            return std::nullopt;
        return QJsonValue(t);
    case Kind::Lines: {
        QJsonArray items;
        for (const QString& item : t.split(QLatin1Char('\n'), Qt::SkipEmptyParts)) {
            if (!item.trimmed().isEmpty())
                items.append(item.trimmed());
        }
        if (items.isEmpty())
            return std::nullopt;
        return QJsonValue(items);
    }
    case Kind::Grid: {
        // For the check only: apply() writes the grid in its order, with Parameters::setParameterGrid's types.
        const auto axes = gridFromText(t);
        if (!axes)
            return axes.error();
        QJsonObject grid;
        for (const auto& [key, values] : *axes)
            grid.insert(key, QJsonArray::fromStringList(values));
        if (grid.isEmpty())
            return std::nullopt;
        return QJsonValue(grid);
    }
    case Kind::Number: {
        auto* spin = static_cast<QSpinBox*>(field.editor);
        if (field.removeAtMinimum && spin->value() == spin->minimum())
            return std::nullopt;
        return QJsonValue(spin->value());
    }
    case Kind::Choice:
        return QJsonValue(t);
    case Kind::Check:
        // Unticked is the default: the key goes rather than saying false.
        if (t != QLatin1String("true"))
            return std::nullopt;
        return QJsonValue(true);
    }
    return std::nullopt;
}

void ExperimentSettingsEditor::check(Field& field)
{
    // The loader's own rules and words: the key alone in an otherwise minimal file.
    const auto read = value(field);
    QString problem = read.message();
    const std::optional<QJsonValue> v = read.valueOr(std::nullopt);
    if (read && v) {
        QJsonObject probe { { QStringLiteral("experiment_name"), QStringLiteral("probe") } };
        probe.insert(field.key, *v);
        if (field.key == QLatin1String("backend")) { // a backend may need its keys (slurm its object)
            for (auto it = m_unedited.constBegin(); it != m_unedited.constEnd(); ++it)
                probe.insert(it.key(), it.value());
        }
        if (field.key == QLatin1String("aws_spot_max_price")) // its rule reads the spot checkbox as it is now
            probe.insert(QStringLiteral("aws_spot"),
                         text(*this->field(QStringLiteral("aws_spot"))) == QLatin1String("true"));
        if (const auto parsed = Parameters::parse(QJsonDocument(probe).toJson(QJsonDocument::Compact),
                                                  QString::fromLatin1(Parameters::FileName));
            !parsed)
            problem = parsed.error().what();
    }
    field.problem = problem;
    field.error->setText(problem);
    field.error->setVisible(!problem.isEmpty());
}

void ExperimentSettingsEditor::fieldEdited()
{
    if (m_loading)
        return;
    recordEdits();
    for (Field& field : m_fields)
        check(field);
    const QStringList found = problems();
    const bool modified = isModified();
    m_saveButton->setEnabled(modified && found.isEmpty());
    m_revertButton->setEnabled(modified);
    if (!found.isEmpty()) {
        m_status->setText(found.size() == 1 ? tr("1 setting to fix before saving")
                                            : tr("%1 settings to fix before saving").arg(found.size()));
        QPalette p = m_status->palette();
        p.setColor(QPalette::WindowText, Theme::errorText(palette()));
        m_status->setPalette(p);
    } else {
        m_status->setText(modified ? tr("Changed; not saved yet") : QString());
        m_status->setPalette(palette());
    }
    updateBackendGroups();
    updateAwsNotes();
    // The Conditions tab shows the grid's rows as typed here, before a save.
    if (const Field* grid = field(QStringLiteral("parameter_grid")); grid && grid->problem.isEmpty()) {
        const QString typed = text(*grid);
        if (typed != m_gridShown) {
            m_gridShown = typed;
            if (const auto parsed = gridFromText(typed))
                Q_EMIT parameterGridChanged(*parsed);
        }
    }
    if (modified != m_wasModified) {
        m_wasModified = modified;
        Q_EMIT modifiedChanged(modified);
    }
}

void ExperimentSettingsEditor::recordEdits()
{
    if (m_undoing)
        return;
    for (int i = 0; i < m_fields.size(); ++i) {
        Field& f = m_fields[i];
        const QString now = text(f);
        if (now == f.current)
            continue;
        const QString before = f.current;
        f.current = now;
        m_undo->push(new SettingsFieldEdit(this, i, f.editor->accessibleName(), before, now));
    }
}

void ExperimentSettingsEditor::setFieldText(int index, const QString& text)
{
    Field& f = m_fields[index];
    m_undoing = true;
    setText(f, text);
    f.current = text;
    m_undoing = false;
    fieldEdited();
    f.editor->setFocus();
}

void ExperimentSettingsEditor::updateBackendGroups()
{
    // Only what the chosen backend uses can be edited; the rest keeps its values.
    const BackendTraits backend = BackendRegistry::traits(m_backend->currentData().toString());
    m_awsGroup->setEnabled(backend.hasMachines);
    m_hosts->setEnabled(backend.usesHostList);
    m_testHosts->setEnabled(backend.usesHostList && !m_testing);
}

const ExperimentSettingsEditor::Field* ExperimentSettingsEditor::field(const QString& key) const
{
    for (const Field& f : m_fields) {
        if (f.key == key)
            return &f;
    }
    return nullptr;
}

void ExperimentSettingsEditor::updateAwsNotes()
{
    const Settings settings;
    static_cast<QLineEdit*>(field(QStringLiteral("aws_region"))->editor)
        ->setPlaceholderText(tr("default (%1, from setup)").arg(settings.defaultRegion()));
    static_cast<QLineEdit*>(field(QStringLiteral("aws_instance_type"))->editor)
        ->setPlaceholderText(tr("default (%1, from setup)").arg(settings.defaultInstanceType()));
    // What the fields say, resolved as deploy resolves them (an empty field: setup's default).
    QJsonObject typed;
    for (const QString& key : { QStringLiteral("aws_region"), QStringLiteral("aws_instance_type") }) {
        if (const QString value = text(*field(key)); !value.isEmpty())
            typed.insert(key, value);
    }
    // The machine and its price as the backend that rents them tells (Backend::machinePriceFor).
    const QString renting = BackendRegistry::find([](const BackendTraits& t) { return t.costsMoney; });
    const MachinePrice price = BackendRegistry::machinePrice(renting, Parameters(typed));
    const QString region = price.place;
    const QString type = price.machine;
    if (price.known()) {
        QString line = tr("$%1 per machine-hour for %2 in %3 (on demand; %4)")
                           .arg(QString::number(price.perHour, 'f', 4), type, region, price.note);
        const QString spotMax = text(*field(QStringLiteral("aws_spot_max_price")));
        if (text(*field(QStringLiteral("aws_spot"))) == QLatin1String("true"))
            line += QLatin1Char('\n')
                + (spotMax.isEmpty() ? tr("Spot: never more than the on-demand price")
                                     : tr("Spot: never more than $%1 per machine-hour").arg(spotMax));
        m_price->setText(line);
    } else {
        m_price->setText(price.note);
    }

    const ParameterRules::Cidr cidr = ParameterRules::parseCidr(text(*field(QStringLiteral("aws_ssh_cidr"))));
    m_cidrWarning->setVisible(cidr.isWide());
    if (cidr.isWide()) {
        m_cidrWarning->setText(tr("⚠ %1 lets a large part of the internet try to log in to the machines. "
                                  "Your own address with /32 is safer.")
                                   .arg(cidr.text));
        QPalette p = m_cidrWarning->palette();
        p.setColor(QPalette::WindowText, Theme::errorText(palette()));
        m_cidrWarning->setPalette(p);
    }
}

void ExperimentSettingsEditor::setParameterGrid(const Parameters::Grid& grid)
{
    for (Field& f : m_fields) {
        if (f.key == QLatin1String("parameter_grid"))
            setText(f, gridText(grid));
    }
}

void ExperimentSettingsEditor::setStateDir(const QString& stateDir)
{
    m_stateDir = stateDir;
}

void ExperimentSettingsEditor::testHosts()
{
    // The hosts as typed (saved or not), each checked by the loader's rule first.
    const Field* hosts = field(QStringLiteral("hosts"));
    if (!hosts->problem.isEmpty() || m_stateDir.isEmpty()) {
        m_hostAnswers->setText(hosts->problem.isEmpty() ? tr("Open an experiment first") : hosts->problem);
        return;
    }
    QStringList addresses;
    for (const QString& line : text(*hosts).split(QLatin1Char('\n'), Qt::SkipEmptyParts)) {
        if (!line.trimmed().isEmpty())
            addresses << line.trimmed();
    }
    if (addresses.isEmpty()) {
        m_hostAnswers->setText(tr("No hosts to test: add one per line above"));
        return;
    }
    m_testing = addresses.size();
    m_testHosts->setEnabled(false);
    m_answers.clear();
    for (const QString& address : addresses)
        m_answers.insert(address, tr("testing…"));
    showHostAnswers();
    const QString key = SshKey::privateKeyPath();
    for (const QString& address : addresses) {
        const SshAccess access(address, m_stateDir, key);
        AsyncCommand::run(HostCheck::command(access, m_dockerProgram), this, [this, address](const CommandOutcome& o) {
            const HostCheck::Answer answer = HostCheck::read(o);
            m_answers.insert(address, (answer.ok ? QStringLiteral("✔ ") : QStringLiteral("✘ ")) + answer.text);
            showHostAnswers();
            if (--m_testing == 0) {
                updateBackendGroups();
                Q_EMIT hostsTested();
            }
        });
    }
}

void ExperimentSettingsEditor::showHostAnswers()
{
    QStringList lines;
    for (auto it = m_answers.begin(); it != m_answers.end(); ++it)
        lines << it.key() + QStringLiteral(": ") + it.value();
    m_hostAnswers->setText(lines.join(QLatin1Char('\n')));
}

bool ExperimentSettingsEditor::isModified() const
{
    for (const Field& field : m_fields) {
        if (text(field) != field.loaded)
            return true;
    }
    return false;
}

bool ExperimentSettingsEditor::hasProblems() const
{
    return !problems().isEmpty();
}

QStringList ExperimentSettingsEditor::problems() const
{
    QStringList out;
    for (const Field& field : m_fields) {
        if (!field.problem.isEmpty())
            out << field.key + QStringLiteral(": ") + field.problem;
    }
    return out;
}

void ExperimentSettingsEditor::apply(Parameters* parameters) const
{
    for (const Field& field : m_fields) {
        if (text(field) == field.loaded)
            continue; // untouched: the file keeps its own spelling (numbers in a grid stay numbers)
        if (field.kind == Kind::Grid) { // in the order typed; numbers stay numbers
            parameters->setParameterGrid(gridFromText(text(field)).valueOr({}));
            continue;
        }
        const std::optional<QJsonValue> v = value(field).valueOr(std::nullopt);
        // An undefined value removes the key.
        parameters->setValue(field.key, v ? *v : QJsonValue(QJsonValue::Undefined));
    }
}

void ExperimentSettingsEditor::markSaved()
{
    for (Field& field : m_fields)
        field.loaded = text(field);
    fieldEdited();
}

void ExperimentSettingsEditor::revert()
{
    // One step, which never merges with the typing before it.
    m_undo->beginMacro(tr("Revert Settings"));
    m_loading = true;
    for (Field& field : m_fields)
        setText(field, field.loaded);
    m_loading = false;
    fieldEdited();
    m_undo->endMacro();
}
