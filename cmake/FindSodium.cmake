# Finds libsodium (Debian: libsodium-dev), which ships a pkg-config file but no CMake package.
# Defines Sodium::Sodium, and Sodium::Sodium_static where the static archive is installed.
find_path(Sodium_INCLUDE_DIR sodium.h)
find_library(Sodium_LIBRARY NAMES sodium)
include(FindPackageHandleStandardArgs)
find_package_handle_standard_args(Sodium REQUIRED_VARS Sodium_LIBRARY Sodium_INCLUDE_DIR)
if(Sodium_FOUND AND NOT TARGET Sodium::Sodium)
  add_library(Sodium::Sodium UNKNOWN IMPORTED)
  set_target_properties(Sodium::Sodium PROPERTIES
    IMPORTED_LOCATION "${Sodium_LIBRARY}"
    INTERFACE_INCLUDE_DIRECTORIES "${Sodium_INCLUDE_DIR}")
endif()
find_library(Sodium_STATIC_LIBRARY NAMES libsodium.a)
if(Sodium_FOUND AND Sodium_STATIC_LIBRARY AND NOT TARGET Sodium::Sodium_static)
  add_library(Sodium::Sodium_static STATIC IMPORTED)
  set_target_properties(Sodium::Sodium_static PROPERTIES
    IMPORTED_LOCATION "${Sodium_STATIC_LIBRARY}"
    INTERFACE_INCLUDE_DIRECTORIES "${Sodium_INCLUDE_DIR}")
endif()
mark_as_advanced(Sodium_INCLUDE_DIR Sodium_LIBRARY Sodium_STATIC_LIBRARY)
