# Links the C++ runtime into an executable instead of loading it at every start.
#
# Loading libstdc++.so (mapping it, relocating it, binding the few hundred functions the
# command calls) made a warm `jitcache run` take 8.0 ms instead of 6.7 ms here
# (docs/benchmarks.md). With libstdc++ and libgcc linked statically, and fmt's compiled part
# built in (tools/jitcache/static_runtime/fmt_implementation.cpp; Debian's libfmt.so needs
# libstdc++.so), the command loads only libc and libm. The physical-limit program
# of the start benchmark is linked the same way, so the two still compare like with like.
# Kernels are plain C ABI code that needs no C++ runtime: nothing crosses the dlopen.
include(CheckLinkerFlag)

option(JITCACHE_STATIC_RUNTIME
       "Link libstdc++, libgcc and fmt into the jitcache command instead of loading them" ON)

# jitcache_link_runtime_statically(TARGET [WITH_FMT]): WITH_FMT builds fmt's compiled part in.
function(jitcache_link_runtime_statically target)
  cmake_parse_arguments(PARSE_ARGV 1 ARG "WITH_FMT" "" "")
  if(NOT JITCACHE_STATIC_RUNTIME)
    return()
  endif()
  check_linker_flag(CXX "-static-libstdc++" JITCACHE_HAVE_STATIC_LIBSTDCXX)
  if(NOT JITCACHE_HAVE_STATIC_LIBSTDCXX)
    message(WARNING "libstdc++.a not found (Debian: apt install libstdc++-12-dev): ${target} "
                    "loads the C++ runtime at every start, about 1.3 ms")
    return()
  endif()
  # The explicit instantiations in fmt_implementation.cpp are those of fmt 9 (Debian 12).
  if(ARG_WITH_FMT AND (fmt_VERSION VERSION_LESS 9 OR fmt_VERSION VERSION_GREATER_EQUAL 10))
    message(WARNING "fmt ${fmt_VERSION} is not fmt 9: ${target} links libfmt.so, which loads "
                    "libstdc++.so at every start")
    return()
  endif()
  # --as-needed drops libfmt.so once the built-in copy defines everything that is called.
  target_link_options(${target} PRIVATE -static-libstdc++ -static-libgcc "LINKER:--as-needed")
  set_property(TARGET ${target} PROPERTY JITCACHE_LOADS_NO_CXX_RUNTIME ON)
  if(ARG_WITH_FMT)
    set(implementation ${PROJECT_SOURCE_DIR}/tools/jitcache/static_runtime/fmt_implementation.cpp)
    target_sources(${target} PRIVATE ${implementation})
    # fmt's definitions must stay out of the command's one-file unity build.
    set_source_files_properties(${implementation} TARGET_DIRECTORY ${target}
                                PROPERTIES SKIP_UNITY_BUILD_INCLUSION ON)
  endif()
endfunction()
