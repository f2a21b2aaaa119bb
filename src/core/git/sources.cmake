# Git: the project's state as the disk has it, kept current for the app's views.
target_sources(logistician_core PRIVATE
    ${CMAKE_CURRENT_LIST_DIR}/GitStatus.cpp
)
