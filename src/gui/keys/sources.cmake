target_sources(logistician_gui PRIVATE
    ${CMAKE_CURRENT_LIST_DIR}/ViewKeys.cpp
    ${CMAKE_CURRENT_LIST_DIR}/ShortcutsDialog.cpp
    ${CMAKE_CURRENT_LIST_DIR}/WheelGuard.cpp
)
