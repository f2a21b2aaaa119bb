# Reading and writing files that someone else may have planted things beside.
target_sources(logistician_core PRIVATE
    ${CMAKE_CURRENT_LIST_DIR}/SafeFile.cpp
)
