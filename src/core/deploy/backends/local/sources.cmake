# The local backend: this machine's Docker engine.
target_sources(logistician_core PRIVATE
    ${CMAKE_CURRENT_LIST_DIR}/LocalBackend.cpp
)
