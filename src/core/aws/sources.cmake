# The aws machine description: its parameters.json keys checked at load, the
# defaults from settings, the address range rules and the price table.
target_sources(logistician_core PRIVATE
    ${CMAKE_CURRENT_LIST_DIR}/AwsParameters.cpp
    ${CMAKE_CURRENT_LIST_DIR}/AwsPrices.cpp
)
