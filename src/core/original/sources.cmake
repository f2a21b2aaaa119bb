# Compatibility with the original Logistician's files.
target_sources(logistician_core PRIVATE
    ${CMAKE_CURRENT_LIST_DIR}/BaseExperiment.cpp
    ${CMAKE_CURRENT_LIST_DIR}/OriginalConfig.cpp
)
