# Lays out the code a warm `jitcache run` executes side by side in the jitcache binary.
#
# A warm start lasts a few milliseconds, and most of that is page faults and cache misses of a
# process that runs once. The ~660 functions it executes were spread over the binary's 2.4 MB
# of code, 24 of the kernel's 64 KB fault-around windows; placed in the order listed in
# cmake/warm_path.order they share 10, and a warm start is about 0.25 ms (4%) shorter
# (docs/benchmarks.md). lld does the placing (GNU ld 2.40 cannot), which needs every function
# in its own section. The list only changes the layout: a name the binary lacks is skipped,
# and without lld the binary links as before. scripts/order-warm-path.sh regenerates the list.
include(CheckLinkerFlag)

option(JITCACHE_ORDER_WARM_PATH
       "Link the jitcache command with lld, the code of its warm start laid out together" ON)

function(jitcache_order_warm_path cli_target)
  if(NOT JITCACHE_ORDER_WARM_PATH)
    return()
  endif()
  check_linker_flag(CXX "-fuse-ld=lld" JITCACHE_HAVE_LLD)
  if(NOT JITCACHE_HAVE_LLD)
    message(WARNING "lld not found (Debian: apt install lld): the jitcache command links "
                    "without its warm-path order and starts about 4% slower")
    return()
  endif()
  set(order_file ${PROJECT_SOURCE_DIR}/cmake/warm_path.order)
  # The sections must exist in every object the command links, the library's included.
  foreach(target ${cli_target} ${ARGN})
    target_compile_options(${target} PRIVATE -ffunction-sections)
  endforeach()
  target_link_options(${cli_target} PRIVATE -fuse-ld=lld
                      "LINKER:--symbol-ordering-file=${order_file}"
                      "LINKER:--no-warn-symbol-ordering")
  set_property(TARGET ${cli_target} APPEND PROPERTY LINK_DEPENDS ${order_file})
endfunction()
