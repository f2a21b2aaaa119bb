# Workspace: what the desktop app (and any verb) needs to look at a whole
# project: its experiments with their Git state, and conditions as a grid.
target_sources(logistician_core PRIVATE
    ${CMAKE_CURRENT_LIST_DIR}/ConditionGrid.cpp
    ${CMAKE_CURRENT_LIST_DIR}/DeploymentIndex.cpp
    ${CMAKE_CURRENT_LIST_DIR}/ExampleCopier.cpp
    ${CMAKE_CURRENT_LIST_DIR}/LiveDeployments.cpp
    ${CMAKE_CURRENT_LIST_DIR}/ProjectScanner.cpp
    ${CMAKE_CURRENT_LIST_DIR}/SweepSummary.cpp
)
