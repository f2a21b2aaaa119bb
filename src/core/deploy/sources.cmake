# Deployment: the Backend interface, the local, ssh and aws backends, the state
# kept in .logistician/deployment.json, status polling, sync and terminate.
target_sources(logistician_core PRIVATE
    ${CMAKE_CURRENT_LIST_DIR}/AsyncCommand.cpp
    ${CMAKE_CURRENT_LIST_DIR}/Backend.cpp
    ${CMAKE_CURRENT_LIST_DIR}/Deployment.cpp
    ${CMAKE_CURRENT_LIST_DIR}/DeployPreview.cpp
    ${CMAKE_CURRENT_LIST_DIR}/DeploymentState.cpp
    ${CMAKE_CURRENT_LIST_DIR}/Ssh.cpp
    ${CMAKE_CURRENT_LIST_DIR}/Terraform.cpp
)
