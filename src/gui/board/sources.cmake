# The status board: deploy dialog, board, machine log, results with a Qt Charts chart, tray notifications.
# Qt Svg writes the chart as SVG (Save chart…); only the window links it, never the CLI.
target_sources(logistician_gui PRIVATE
    ${CMAKE_CURRENT_LIST_DIR}/BoardNotifier.cpp
    ${CMAKE_CURRENT_LIST_DIR}/BoardStyle.cpp
    ${CMAKE_CURRENT_LIST_DIR}/DeployDialog.cpp
    ${CMAKE_CURRENT_LIST_DIR}/DeploymentBoard.cpp
    ${CMAKE_CURRENT_LIST_DIR}/MachineLogPanel.cpp
    ${CMAKE_CURRENT_LIST_DIR}/ResultsPanel.cpp
    ${CMAKE_CURRENT_LIST_DIR}/SummaryBar.cpp
)
target_link_libraries(logistician_gui PUBLIC Qt6::Charts Qt6::Svg)
