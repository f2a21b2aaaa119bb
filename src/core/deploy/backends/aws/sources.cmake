# The aws backend: EC2 machines made by Terraform (AwsBackend, AwsMachines: stop,
# start, preempted spot machines; Terraform: the configuration), its parameters.json
# keys checked at load, the defaults from settings, the address range rules and the
# price table.
target_sources(logistician_core PRIVATE
    ${CMAKE_CURRENT_LIST_DIR}/AwsBackend.cpp
    ${CMAKE_CURRENT_LIST_DIR}/AwsMachines.cpp
    ${CMAKE_CURRENT_LIST_DIR}/Terraform.cpp
    ${CMAKE_CURRENT_LIST_DIR}/AwsParameters.cpp
    ${CMAKE_CURRENT_LIST_DIR}/AwsPrices.cpp
    ${CMAKE_CURRENT_LIST_DIR}/AwsPreview.cpp
    ${CMAKE_CURRENT_LIST_DIR}/AwsStore.cpp
)
