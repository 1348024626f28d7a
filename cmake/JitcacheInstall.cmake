# Installs headers, the static library, the CLI, a CMake package (find_package(jitcache))
# and a pkg-config file. The library is static, so its private dependencies travel with it:
# the package config finds them again and pkg-config lists them in Libs.private.
include(CMakePackageConfigHelpers)

install(DIRECTORY include/jitcache DESTINATION ${CMAKE_INSTALL_INCLUDEDIR})
install(TARGETS jitcache_lib EXPORT jitcacheTargets ARCHIVE DESTINATION ${CMAKE_INSTALL_LIBDIR})
install(TARGETS jitcache_cli RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR})

set(JITCACHE_CMAKE_DIR ${CMAKE_INSTALL_LIBDIR}/cmake/jitcache)
install(EXPORT jitcacheTargets NAMESPACE jitcache:: DESTINATION ${JITCACHE_CMAKE_DIR})
configure_package_config_file(cmake/jitcacheConfig.cmake.in
  ${CMAKE_CURRENT_BINARY_DIR}/jitcacheConfig.cmake INSTALL_DESTINATION ${JITCACHE_CMAKE_DIR})
write_basic_package_version_file(${CMAKE_CURRENT_BINARY_DIR}/jitcacheConfigVersion.cmake
  COMPATIBILITY SameMinorVersion)
install(FILES
  ${CMAKE_CURRENT_BINARY_DIR}/jitcacheConfig.cmake
  ${CMAKE_CURRENT_BINARY_DIR}/jitcacheConfigVersion.cmake
  cmake/FindSodium.cmake cmake/FindxxHash.cmake cmake/FindHiredis.cmake
  DESTINATION ${JITCACHE_CMAKE_DIR})

# The .pc file finds the prefix relative to itself, so an install moved with
# `cmake --install --prefix` (or DESTDIR) still points at its own headers and library.
file(RELATIVE_PATH JITCACHE_PC_TO_PREFIX "/prefix/${CMAKE_INSTALL_LIBDIR}/pkgconfig" "/prefix")
configure_file(cmake/jitcache.pc.in ${CMAKE_CURRENT_BINARY_DIR}/jitcache.pc @ONLY)
install(FILES ${CMAKE_CURRENT_BINARY_DIR}/jitcache.pc DESTINATION ${CMAKE_INSTALL_LIBDIR}/pkgconfig)
