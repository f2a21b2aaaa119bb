# The ssh backend: parameters.json's hosts over ssh.
target_sources(logistician_core PRIVATE
    ${CMAKE_CURRENT_LIST_DIR}/SshBackend.cpp
)
