# The status board without widgets: the board model over a deployment's state,
# its filter, the monitor that keeps it up to date, the results scanner and its CSV.
target_sources(logistician_core PRIVATE
    ${CMAKE_CURRENT_LIST_DIR}/BoardFilterModel.cpp
    ${CMAKE_CURRENT_LIST_DIR}/BoardModel.cpp
    ${CMAKE_CURRENT_LIST_DIR}/ConditionLog.cpp
    ${CMAKE_CURRENT_LIST_DIR}/DeploymentMonitor.cpp
    ${CMAKE_CURRENT_LIST_DIR}/ResultsCsv.cpp
    ${CMAKE_CURRENT_LIST_DIR}/ResultsScanner.cpp
)
