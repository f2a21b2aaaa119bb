// SPDX-License-Identifier: MIT
#include "ExperimentSettingsEditor.h"

#include "Parameters.h"
#include "Theme.h"

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

QSpinBox* numberBox(int minimum, int maximum, const QString& atMinimum, const QString& suffix)
{
    auto* box = new QSpinBox;
    box->setRange(minimum, maximum);
    box->setSpecialValueText(atMinimum);
    box->setSuffix(suffix);
    return box;
}

QString scalarText(const QJsonValue& v)
{
    if (v.isString())
        return v.toString();
    if (v.isBool())
        return v.toBool() ? QStringLiteral("true") : QStringLiteral("false");
    return QString::number(v.toDouble(), 'g', 15);
}

} // namespace

ExperimentSettingsEditor::ExperimentSettingsEditor(QWidget* parent)
    : QWidget(parent)
{
    setObjectName(QStringLiteral("experimentSettings"));
    auto* content = new QWidget;
    auto* column = new QVBoxLayout(content);

    auto group = [&](const QString& title, const QString& name) {
        auto* box = new QGroupBox(title);
        box->setObjectName(name);
        auto* form = new QFormLayout(box);
        form->setFieldGrowthPolicy(QFormLayout::AllNonFixedFieldsGrow);
        form->setRowWrapPolicy(QFormLayout::WrapLongRows);
        column->addWidget(box);
        return std::make_pair(box, form);
    };

    auto [commandBox, command] = group(tr("Command"), QStringLiteral("commandGroup"));
    auto* commandEdit = new QLineEdit;
    commandEdit->setPlaceholderText(tr("none: the image's own CMD runs with the condition in $OPTIONS"));
    addField(command, QStringLiteral("experiment_command"), tr("Experiment command:"), Kind::Text, commandEdit,
             tr("Runs in the container with each condition's words as its arguments"));
    addField(command, QStringLiteral("parameter_grid"), tr("Parameter grid:"), Kind::Grid, listEdit(4),
             tr("One key per line, its values after a colon, separated by commas: lr: 0.1, 0.01. Every "
                "combination becomes a condition."));

    auto [machinesBox, machines] = group(tr("Backend and machines"), QStringLiteral("machinesGroup"));
    m_backend = new QComboBox;
    m_backend->addItem(tr("This machine's Docker engine"), QStringLiteral("local"));
    m_backend->addItem(tr("Your own machines over SSH (the hosts below)"), QStringLiteral("ssh"));
    m_backend->addItem(tr("AWS (one EC2 machine per condition)"), QStringLiteral("aws"));
    addField(machines, QStringLiteral("backend"), tr("Backend:"), Kind::Choice, m_backend,
             tr("Where deploy runs the conditions"));
    m_hosts = listEdit(3);
    addField(machines, QStringLiteral("hosts"), tr("SSH hosts:"), Kind::Lines, m_hosts,
             tr("One user@host or user@host:port per line"));
    addField(machines, QStringLiteral("max_parallel"), tr("Max parallel:"), Kind::Number,
             numberBox(1, 100000, QString(), tr(" per machine")), tr("Conditions run at the same time on one machine"));

    auto [awsBox, aws] = group(tr("AWS machines"), QStringLiteral("awsGroup"));
    m_awsGroup = awsBox;
    const QString fromSettings = tr("the default from Settings");
    auto line = [](const QString& placeholder) {
        auto* edit = new QLineEdit;
        edit->setPlaceholderText(placeholder);
        return edit;
    };
    addField(aws, QStringLiteral("aws_region"), tr("Region:"), Kind::Text, line(fromSettings),
             tr("An AWS region such as eu-central-1"));
    addField(aws, QStringLiteral("aws_instance_type"), tr("Instance type:"), Kind::Text, line(fromSettings),
             tr("An EC2 instance type such as t3.micro"));
    addField(aws, QStringLiteral("aws_ami"), tr("Image (AMI):"), Kind::Text,
             line(tr("the newest official Debian 12 image")), tr("ami- and 8 or 17 hex digits"));
    addField(aws, QStringLiteral("aws_ami_user"), tr("Login user:"), Kind::Text, line(tr("admin")),
             tr("The user the image lets in over SSH"));
    addField(aws, QStringLiteral("aws_root_volume_size"), tr("Root volume:"), Kind::Number,
             numberBox(0, 16384, tr("the image's own size"), tr(" GB")), tr("The machine's disk"));
    m_fields.last().removeAtMinimum = true;
    addField(aws, QStringLiteral("aws_ssh_cidr"), tr("SSH allowed from:"), Kind::Text, line(tr("asked when deploying")),
             tr("An IPv4 range such as 203.0.113.7/32: your own address"));

    auto [registryBox, registry] = group(tr("Registry"), QStringLiteral("registryGroup"));
    addField(registry, QStringLiteral("registry"), tr("Registry:"), Kind::Text,
             line(tr("none: the image is built on each machine")),
             tr("Where the image is pushed once and pulled by every machine: host[:port][/path]"));

    auto [limitsBox, limits] = group(tr("Limits"), QStringLiteral("limitsGroup"));
    addField(limits, QStringLiteral("auto_stop_minutes"), tr("Auto-stop:"), Kind::Number,
             numberBox(0, 1000000, tr("never"), tr(" min idle")),
             tr("A machine with nothing running for this long shuts itself down"));
    addField(limits, QStringLiteral("max_runtime_minutes"), tr("Max runtime:"), Kind::Number,
             numberBox(0, 1000000, tr("no limit"), tr(" min")), tr("A machine stops after this long, whatever runs"));
    column->addStretch(1);

    auto* scroll = new QScrollArea;
    scroll->setObjectName(QStringLiteral("experimentSettingsScroll"));
    scroll->setWidgetResizable(true);
    scroll->setFrameShape(QFrame::NoFrame);
    scroll->setWidget(content);

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

    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 4);
    layout->addWidget(scroll, 1);
    layout->addLayout(buttons);
    connect(m_backend, &QComboBox::currentIndexChanged, this, &ExperimentSettingsEditor::updateBackendGroups);
    fieldEdited();
}

ExperimentSettingsEditor::~ExperimentSettingsEditor() = default;

void ExperimentSettingsEditor::addField(QFormLayout* form, const QString& key, const QString& label, Kind kind,
                                        QWidget* editor, const QString& help)
{
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
    }
}

void ExperimentSettingsEditor::load(const Parameters& parameters)
{
    m_loading = true;
    const QJsonObject json = parameters.json();
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
        case Kind::Grid: {
            QStringList lines;
            const QJsonObject grid = v.toObject();
            for (auto it = grid.begin(); it != grid.end(); ++it) {
                QStringList values;
                for (const QJsonValue& item : it.value().toArray())
                    values << scalarText(item);
                lines << it.key() + QStringLiteral(": ") + values.join(QStringLiteral(", "));
            }
            t = lines.join(QLatin1Char('\n'));
            break;
        }
        case Kind::Number: {
            auto* spin = static_cast<QSpinBox*>(field.editor);
            t = QString::number(v.isDouble() ? v.toInt() : spin->minimum());
            break;
        }
        case Kind::Choice:
            t = v.isString() ? v.toString() : QStringLiteral("local");
            break;
        }
        setText(field, t);
        field.loaded = text(field);
    }
    m_loading = false;
    fieldEdited();
}

std::optional<QJsonValue> ExperimentSettingsEditor::value(const Field& field, QString* problem) const
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
        QJsonObject grid;
        for (const QString& line : t.split(QLatin1Char('\n'), Qt::SkipEmptyParts)) {
            if (line.trimmed().isEmpty())
                continue;
            const int colon = line.indexOf(QLatin1Char(':'));
            if (colon < 0) {
                *problem = tr("each line is a key, a colon and its values separated by commas: lr: 0.1, 0.01");
                return std::nullopt;
            }
            QJsonArray values;
            for (const QString& item : line.mid(colon + 1).split(QLatin1Char(','), Qt::SkipEmptyParts)) {
                if (!item.trimmed().isEmpty())
                    values.append(item.trimmed());
            }
            grid.insert(line.left(colon).trimmed(), values);
        }
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
    }
    return std::nullopt;
}

void ExperimentSettingsEditor::check(Field& field)
{
    // The loader's own rules and words: the key alone in an otherwise minimal file.
    QString problem;
    const std::optional<QJsonValue> v = value(field, &problem);
    if (problem.isEmpty() && v) {
        QJsonObject probe { { QStringLiteral("experiment_name"), QStringLiteral("probe") } };
        probe.insert(field.key, *v);
        Result error;
        if (!Parameters::parse(QJsonDocument(probe).toJson(QJsonDocument::Compact),
                               QString::fromLatin1(Parameters::FileName), &error))
            problem = error.what();
    }
    field.problem = problem;
    field.error->setText(problem);
    field.error->setVisible(!problem.isEmpty());
}

void ExperimentSettingsEditor::fieldEdited()
{
    if (m_loading)
        return;
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
    if (modified != m_wasModified) {
        m_wasModified = modified;
        Q_EMIT modifiedChanged(modified);
    }
}

void ExperimentSettingsEditor::updateBackendGroups()
{
    // Only what the chosen backend uses can be edited; the rest keeps its values.
    const QString backend = m_backend->currentData().toString();
    m_awsGroup->setEnabled(backend == QLatin1String("aws"));
    m_hosts->setEnabled(backend == QLatin1String("ssh"));
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
        QString problem;
        const std::optional<QJsonValue> v = value(field, &problem);
        // An undefined value removes the key (QJsonObject::insert).
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
    m_loading = true;
    for (Field& field : m_fields)
        setText(field, field.loaded);
    m_loading = false;
    fieldEdited();
}
