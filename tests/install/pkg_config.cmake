# Builds a consumer with no CMake: `c++ app.cpp $(pkg-config --cflags --libs
# procession)` against the installed prefix, and runs it. The consumer is
# mesos_style.cpp, which runs processes and the HTTP server and client, so
# the link needs glog, libprotobuf and threads from procession.pc.
include(${CMAKE_CURRENT_LIST_DIR}/common.cmake)
file(REMOVE_RECURSE ${WORK_DIR})
file(MAKE_DIRECTORY ${WORK_DIR})
set(pc_dir ${PREFIX}/${LIBDIR}/pkgconfig)
set(ENV{PKG_CONFIG_PATH} ${pc_dir})

# procession.pc is found in the prefix, says the project's version, and
# points at the prefix it was installed to, wherever that is.
run_output(version pkg-config --modversion procession)
expect("version ${VERSION}, got ${version}" version STREQUAL VERSION)
run_output(includedir pkg-config --variable=includedir procession)
file(REAL_PATH ${includedir} includedir)
file(REAL_PATH ${PREFIX}/include prefix_include)
expect("includedir ${prefix_include}, got ${includedir}"
  includedir STREQUAL prefix_include)
expect("process/process.hpp under ${includedir}"
  EXISTS ${includedir}/process/process.hpp)

build_with_pkg_config(${pc_dir}
  ${SOURCE_DIR}/tests/install/consumer/mesos_style.cpp ${WORK_DIR}/mesos_style)
