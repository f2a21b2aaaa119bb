target_sources(logistician_core PRIVATE
    ${CMAKE_CURRENT_LIST_DIR}/ExperimentFiles.cpp
    ${CMAKE_CURRENT_LIST_DIR}/TerminalCommand.cpp
)
