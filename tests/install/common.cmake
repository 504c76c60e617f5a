# Helpers for the scripts of tests/install, run with cmake -P.
cmake_minimum_required(VERSION 3.25)

# Runs a command; any failure fails the test, with the command in the log.
function(run)
  execute_process(COMMAND ${ARGN} RESULT_VARIABLE result)
  if(NOT result EQUAL 0)
    message(FATAL_ERROR "failed (${result}): ${ARGN}")
  endif()
endfunction()

# Runs a command and sets <variable> to its standard output, stripped.
function(run_output variable)
  execute_process(COMMAND ${ARGN} RESULT_VARIABLE result
    OUTPUT_VARIABLE output OUTPUT_STRIP_TRAILING_WHITESPACE)
  if(NOT result EQUAL 0)
    message(FATAL_ERROR "failed (${result}): ${ARGN}")
  endif()
  set(${variable} "${output}" PARENT_SCOPE)
endfunction()

function(expect condition_text)
  if(NOT (${ARGN}))
    message(FATAL_ERROR "expected ${condition_text}")
  endif()
endfunction()

# Builds <output> from <source> with plain ${CXX} and the flags pkg-config
# gives for procession from the .pc files in <pc_dir>, then runs it. The
# rpath lets it find libprocession.so when the library is shared.
function(build_with_pkg_config pc_dir source output)
  set(ENV{PKG_CONFIG_PATH} ${pc_dir})
  run_output(flags pkg-config --cflags --libs procession)
  run_output(libdir pkg-config --variable=libdir procession)
  message(STATUS "pkg-config --cflags --libs procession: ${flags}")
  separate_arguments(flags UNIX_COMMAND "${flags}")
  run(${CXX} -std=c++20 ${source} -o ${output} ${flags}
    -Wl,-rpath,${libdir})
  run(${output})
endfunction()
