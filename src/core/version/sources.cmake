# The commit and dirty flag of the build, from a header generated on every build
# (cmake/write-build-info.cmake) that only BuildInfo.cpp includes: a new commit
# recompiles that one file, not the project.
set(build_info_dir ${CMAKE_CURRENT_BINARY_DIR}/generated)
add_custom_target(logistician_build_info
    COMMAND ${CMAKE_COMMAND} -DSOURCE_DIR=${PROJECT_SOURCE_DIR} -DOUTPUT=${build_info_dir}/BuildInfoValues.h
            -P ${PROJECT_SOURCE_DIR}/cmake/write-build-info.cmake
    BYPRODUCTS ${build_info_dir}/BuildInfoValues.h
    COMMENT "Reading the commit for --version"
    VERBATIM)
target_sources(logistician_core PRIVATE ${CMAKE_CURRENT_LIST_DIR}/BuildInfo.cpp)
set_property(SOURCE ${CMAKE_CURRENT_LIST_DIR}/BuildInfo.cpp APPEND PROPERTY INCLUDE_DIRECTORIES ${build_info_dir})
add_dependencies(logistician_core logistician_build_info)
