# The GUI side of compatibility with the original Logistician.
target_sources(logistician_gui PRIVATE
    ${CMAKE_CURRENT_LIST_DIR}/OriginalConfigBanner.cpp
)
