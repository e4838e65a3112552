# Install rules (cmake --install BUILD --prefix PREFIX):
#   lib/libmote_runtime.a              the freestanding runtime, with the kernel set it was built for
#   include/mote/                      its public API: mote.h, mote.hpp, status.h(pp), ops.h, text.h(pp)
#   bin/mote                           the CLI (host builds)
#   lib/libmote_converter.a            the converter library (host builds), headers in
#   include/mote-converter/mote/       converter.h and what it includes
#   lib/cmake/Mote/                    MoteConfig.cmake: find_package(Mote) gives Mote::runtime
#                                      (and Mote::converter where the converter was built)
#   lib/pkgconfig/mote.pc              pkg-config --cflags --libs mote
include(GNUInstallDirs)
include(CMakePackageConfigHelpers)

install(TARGETS mote_runtime EXPORT MoteTargets ARCHIVE DESTINATION ${CMAKE_INSTALL_LIBDIR})
install(DIRECTORY ${PROJECT_SOURCE_DIR}/runtime/include/mote DESTINATION ${CMAKE_INSTALL_INCLUDEDIR})
set_target_properties(mote_runtime PROPERTIES EXPORT_NAME runtime)

set(MOTE_HAVE_CONVERTER OFF)
if(TARGET mote_converter)
  set(MOTE_HAVE_CONVERTER ON)
  install(TARGETS mote RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR})
  install(TARGETS mote_converter mote_runtime_internal EXPORT MoteTargets ARCHIVE DESTINATION ${CMAKE_INSTALL_LIBDIR})
  set_target_properties(mote_converter PROPERTIES EXPORT_NAME converter)
  set_target_properties(mote_runtime_internal PROPERTIES EXPORT_NAME runtime_internal)
  install(FILES ${PROJECT_SOURCE_DIR}/converter/include/mote/converter.h ${PROJECT_SOURCE_DIR}/converter/include/mote/op_traits.h
                ${PROJECT_SOURCE_DIR}/runtime/internal/mote/shape_math.h
          DESTINATION ${CMAKE_INSTALL_INCLUDEDIR}/mote-converter/mote)
endif()

install(EXPORT MoteTargets NAMESPACE Mote:: DESTINATION ${CMAKE_INSTALL_LIBDIR}/cmake/Mote)
configure_package_config_file(${CMAKE_CURRENT_LIST_DIR}/MoteConfig.cmake.in ${PROJECT_BINARY_DIR}/MoteConfig.cmake
                              INSTALL_DESTINATION ${CMAKE_INSTALL_LIBDIR}/cmake/Mote)
write_basic_package_version_file(${PROJECT_BINARY_DIR}/MoteConfigVersion.cmake COMPATIBILITY SameMinorVersion)
install(FILES ${PROJECT_BINARY_DIR}/MoteConfig.cmake ${PROJECT_BINARY_DIR}/MoteConfigVersion.cmake
        DESTINATION ${CMAKE_INSTALL_LIBDIR}/cmake/Mote)

# mote.pc finds its prefix from where it is installed: up from LIBDIR/pkgconfig.
file(RELATIVE_PATH MOTE_PC_TO_PREFIX /x/${CMAKE_INSTALL_LIBDIR}/pkgconfig /x)
configure_file(${CMAKE_CURRENT_LIST_DIR}/mote.pc.in ${PROJECT_BINARY_DIR}/mote.pc @ONLY)
install(FILES ${PROJECT_BINARY_DIR}/mote.pc DESTINATION ${CMAKE_INSTALL_LIBDIR}/pkgconfig)
