// SPDX-License-Identifier: MIT
// The Settings tab and the deploy dialog take their bounds, labels and help
// from ParameterSchema: each widget's range is the one the loader accepts,
// so no form offers a value parameters.json refuses or refuses one it takes.
#include "ExperimentSettingsEditor.h"
#include "GuiTestBase.h"
#include "ParameterSchema.h"
#include "TestProject.h"
#include "board/DeployDialog.h"
#include "board/DeploymentMonitor.h"

#include <QLabel>
#include <QSpinBox>
#include <QTest>
#include <QThreadPool>

namespace {

// The key's range as a form must offer it: a key with no default has one step below its minimum for "absent".
QPair<int, int> schemaRange(const ParameterSchema::Key& key)
{
    return { key.defaultValue.isUndefined() ? key.minimum - 1 : key.minimum, key.maximum };
}

} // namespace

class TestGuiParameterSchema : public GuiTestBase
{
    Q_OBJECT
private Q_SLOTS:
    void initTestCase() { isolateSettings(); }

    void settingsTabFollowsTheSchema()
    {
        ExperimentSettingsEditor editor;
        int numbers = 0;
        for (const ParameterSchema::Key& key : ParameterSchema::keys()) {
            auto* spin = editor.findChild<QSpinBox*>(key.key);
            const bool bounded = key.type == ParameterSchema::Type::Integer || key.maximum > 0;
            if (key.type == ParameterSchema::Type::Integer)
                QVERIFY2(spin, qPrintable(key.key + QStringLiteral(": no field on the Settings tab")));
            if (spin) {
                QVERIFY2(bounded, qPrintable(key.key));
                ++numbers;
                QCOMPARE(qMakePair(spin->minimum(), spin->maximum()), schemaRange(key));
            }
            QWidget* field = editor.findChild<QWidget*>(key.key);
            if (!field)
                continue;
            // Its label and help are the schema's.
            QVERIFY2(field->toolTip().startsWith(key.help), qPrintable(key.key + ": " + field->toolTip()));
            bool labelled = false;
            for (QLabel* label : editor.findChildren<QLabel*>()) {
                if (label->buddy() == field) {
                    QCOMPARE(label->text(), key.label + QLatin1Char(':'));
                    labelled = true;
                }
            }
            QVERIFY2(labelled, qPrintable(key.key));
        }
        QVERIFY(numbers >= 5);
    }

    void deployDialogFollowsTheSchema()
    {
        TestProject project;
        DeploymentMonitor monitor;
        QVERIFY(monitor.open(project.experimentDir()).isOk());
        {
            DeployDialog dialog(&monitor);
            for (const auto& [name, key] : { qMakePair("deployAutoStop", "auto_stop_minutes"),
                                             qMakePair("deployMaxRuntime", "max_runtime_minutes"),
                                             qMakePair("deployMachineCount", "aws_machines") }) {
                NEED(QSpinBox, spin, &dialog, name);
                const ParameterSchema::Key& schema = ParameterSchema::key(QLatin1String(key));
                QCOMPARE(qMakePair(spin->minimum(), spin->maximum()), schemaRange(schema));
                QCOMPARE(spin->toolTip(), schema.help);
            }
        }
        QVERIFY(QThreadPool::globalInstance()->waitForDone(120000));
    }
};

QTEST_MAIN(TestGuiParameterSchema)
#include "TestGuiParameterSchema.moc"
