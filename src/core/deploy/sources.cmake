# Deployment: the Backend interface and its registry (each backend is a folder
# under backends/ with its own sources.cmake), the state
# kept in .logistician/deployment.json, and the operations on it (deploy, status
# round, sync, terminate) over a shared DeployContext, behind the Deployment front.
target_sources(logistician_core PRIVATE
    ${CMAKE_CURRENT_LIST_DIR}/AutoSync.cpp
    ${CMAKE_CURRENT_LIST_DIR}/Backend.h # its moc: no Backend.cpp beside it
    ${CMAKE_CURRENT_LIST_DIR}/BackendDefaults.cpp
    ${CMAKE_CURRENT_LIST_DIR}/backends/BackendRegistry.cpp
    ${CMAKE_CURRENT_LIST_DIR}/backends/Registry.cpp
    ${CMAKE_CURRENT_LIST_DIR}/DeployContext.cpp
    ${CMAKE_CURRENT_LIST_DIR}/DeployOperation.cpp
    ${CMAKE_CURRENT_LIST_DIR}/DeployPlan.cpp
    ${CMAKE_CURRENT_LIST_DIR}/DeployImage.cpp
    ${CMAKE_CURRENT_LIST_DIR}/DeployHosts.cpp
    ${CMAKE_CURRENT_LIST_DIR}/DeployHandOver.cpp
    ${CMAKE_CURRENT_LIST_DIR}/Launch.cpp
    ${CMAKE_CURRENT_LIST_DIR}/Deployment.cpp
    ${CMAKE_CURRENT_LIST_DIR}/DeployPreview.cpp
    ${CMAKE_CURRENT_LIST_DIR}/DeploymentState.cpp
    ${CMAKE_CURRENT_LIST_DIR}/DeploymentStateFile.cpp
    ${CMAKE_CURRENT_LIST_DIR}/HostCheck.cpp
    ${CMAKE_CURRENT_LIST_DIR}/ImageReference.cpp
    ${CMAKE_CURRENT_LIST_DIR}/Provenance.cpp
    ${CMAKE_CURRENT_LIST_DIR}/LabelledContainers.cpp
    ${CMAKE_CURRENT_LIST_DIR}/OtherCommits.cpp
    ${CMAKE_CURRENT_LIST_DIR}/Orphans.cpp
    ${CMAKE_CURRENT_LIST_DIR}/Ssh.cpp
    ${CMAKE_CURRENT_LIST_DIR}/RemoteScript.cpp
    ${CMAKE_CURRENT_LIST_DIR}/Rerun.cpp
    ${CMAKE_CURRENT_LIST_DIR}/ResultsStore.cpp
    ${CMAKE_CURRENT_LIST_DIR}/ResultsStoreSync.cpp
    ${CMAKE_CURRENT_LIST_DIR}/StateRules.cpp
    ${CMAKE_CURRENT_LIST_DIR}/StateSeal.cpp
    ${CMAKE_CURRENT_LIST_DIR}/StatusRound.cpp
    ${CMAKE_CURRENT_LIST_DIR}/SyncOperation.cpp
    ${CMAKE_CURRENT_LIST_DIR}/TerminateOperation.cpp
)
