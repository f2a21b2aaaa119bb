target_sources(logistician_core PRIVATE ${CMAKE_CURRENT_LIST_DIR}/CommandLogModel.cpp)
