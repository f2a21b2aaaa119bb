target_sources(logistician_core PRIVATE ${CMAKE_CURRENT_LIST_DIR}/CommandLogModel.cpp)
target_include_directories(logistician_core PUBLIC ${CMAKE_CURRENT_LIST_DIR})
