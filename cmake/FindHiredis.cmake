# Finds hiredis (Debian: libhiredis-dev), the Redis client of the remote tiers. Defines
# Hiredis::Hiredis from the static archive where Debian installs one, so that the jitcache
# command loads no extra shared library at start (tests/link/loads_only_libc_and_libm.sh);
# from the shared library otherwise.
find_path(Hiredis_INCLUDE_DIR hiredis/hiredis.h)
find_library(Hiredis_STATIC_LIBRARY NAMES libhiredis.a)
find_library(Hiredis_LIBRARY NAMES hiredis)
include(FindPackageHandleStandardArgs)
find_package_handle_standard_args(Hiredis REQUIRED_VARS Hiredis_LIBRARY Hiredis_INCLUDE_DIR)
if(Hiredis_FOUND AND NOT TARGET Hiredis::Hiredis)
  if(Hiredis_STATIC_LIBRARY)
    add_library(Hiredis::Hiredis STATIC IMPORTED)
    set_target_properties(Hiredis::Hiredis PROPERTIES IMPORTED_LOCATION "${Hiredis_STATIC_LIBRARY}")
  else()
    add_library(Hiredis::Hiredis UNKNOWN IMPORTED)
    set_target_properties(Hiredis::Hiredis PROPERTIES IMPORTED_LOCATION "${Hiredis_LIBRARY}")
  endif()
  set_target_properties(Hiredis::Hiredis PROPERTIES INTERFACE_INCLUDE_DIRECTORIES "${Hiredis_INCLUDE_DIR}")
endif()
mark_as_advanced(Hiredis_INCLUDE_DIR Hiredis_STATIC_LIBRARY Hiredis_LIBRARY)
