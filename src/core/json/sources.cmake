# JSON text edited in place: a file written by hand keeps its order, spacing and spelling when saved.
target_sources(logistician_core PRIVATE
    ${CMAKE_CURRENT_LIST_DIR}/JsonText.cpp
)
