# What a routing plug-in builds against (docs/routing.md, "Writing a plug-in"): the headers
# of the plug-in interface, installed under include/fabricsim/ in the source tree's layout,
# and the CMake package whose target fabricsim::plugin carries their folder and C++20.
# The headers are routing/plugin.hpp and every header it includes, directly or not; the
# install test (tests/plugin/install_flow.sh) compiles each installed header on its own.
include(GNUInstallDirs)
include(CMakePackageConfigHelpers)

set(FABRICSIM_PLUGIN_HEADERS
  core/rng.hpp core/units.hpp
  topo/fabric.hpp topo/path_catalog.hpp
  routing/params.hpp routing/plugin.hpp routing/policy.hpp routing/router.hpp
  routing/packet_log.hpp routing/step_plan.hpp)

add_library(fabricsim_plugin INTERFACE)
add_library(fabricsim::plugin ALIAS fabricsim_plugin)
set_target_properties(fabricsim_plugin PROPERTIES EXPORT_NAME plugin)
target_include_directories(fabricsim_plugin INTERFACE
  $<BUILD_INTERFACE:${PROJECT_SOURCE_DIR}/sim>
  $<INSTALL_INTERFACE:${CMAKE_INSTALL_INCLUDEDIR}/fabricsim>)
target_compile_features(fabricsim_plugin INTERFACE cxx_std_20)

foreach(header ${FABRICSIM_PLUGIN_HEADERS})
  get_filename_component(folder ${header} DIRECTORY)
  install(FILES ${PROJECT_SOURCE_DIR}/sim/${header}
          DESTINATION ${CMAKE_INSTALL_INCLUDEDIR}/fabricsim/${folder})
endforeach()

set(package_dir ${CMAKE_INSTALL_LIBDIR}/cmake/fabricsim)
install(TARGETS fabricsim_plugin EXPORT fabricsimTargets)
install(EXPORT fabricsimTargets NAMESPACE fabricsim:: DESTINATION ${package_dir})
configure_package_config_file(${CMAKE_CURRENT_LIST_DIR}/fabricsimConfig.cmake.in
  ${PROJECT_BINARY_DIR}/fabricsimConfig.cmake INSTALL_DESTINATION ${package_dir})
write_basic_package_version_file(${PROJECT_BINARY_DIR}/fabricsimConfigVersion.cmake
  COMPATIBILITY SameMinorVersion ARCH_INDEPENDENT)
install(FILES ${PROJECT_BINARY_DIR}/fabricsimConfig.cmake
              ${PROJECT_BINARY_DIR}/fabricsimConfigVersion.cmake
        DESTINATION ${package_dir})
