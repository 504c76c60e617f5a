# With PROCESSION_SHARED: the prefix holds libprocession.so.X.Y.Z with its
# soname and the links to it (and no static library), and consumers, built
# with find_package() and with pkg-config, load it by its soname.
include(${CMAKE_CURRENT_LIST_DIR}/common.cmake)
file(REMOVE_RECURSE ${WORK_DIR})
file(MAKE_DIRECTORY ${WORK_DIR})
set(libdir ${PREFIX}/${LIBDIR})
set(soname libprocession.so.${SOVERSION})

expect("no ${libdir}/libprocession.a" NOT EXISTS ${libdir}/libprocession.a)
expect("${libdir}/libprocession.so.${VERSION}"
  EXISTS ${libdir}/libprocession.so.${VERSION}
  AND NOT IS_SYMLINK ${libdir}/libprocession.so.${VERSION})
foreach(link ${soname} libprocession.so)
  expect("${libdir}/${link} a link" IS_SYMLINK ${libdir}/${link})
  file(REAL_PATH ${libdir}/${link} target)
  expect("${link} -> libprocession.so.${VERSION}, not ${target}"
    target STREQUAL ${libdir}/libprocession.so.${VERSION})
endforeach()

# Dynamic sections: the library's SONAME, and what each binary NEEDs.
function(expect_dynamic file tag value)
  run_output(dynamic readelf -d ${file})
  string(REPLACE "." "\\." value_pattern "${value}")
  if(NOT dynamic MATCHES "\\(${tag}\\)[^\n]*\\[${value_pattern}\\]")
    message(FATAL_ERROR "expected ${tag} ${value} in ${file}:\n${dynamic}")
  endif()
endfunction()
expect_dynamic(${libdir}/libprocession.so.${VERSION} SONAME ${soname})
expect_dynamic(${PREFIX}/bin/procession NEEDED ${soname})

# pkg-config: -lprocession finds the .so through its link.
build_with_pkg_config(${libdir}/pkgconfig
  ${SOURCE_DIR}/tests/install/consumer/mesos_style.cpp ${WORK_DIR}/mesos_style)
expect_dynamic(${WORK_DIR}/mesos_style NEEDED ${soname})

# find_package(): Procession::process is the shared library.
run(${CMAKE_COMMAND} -S ${SOURCE_DIR}/tests/install/consumer
    -B ${WORK_DIR}/consumer -G Ninja -DCMAKE_PREFIX_PATH=${PREFIX})
run(${CMAKE_COMMAND} --build ${WORK_DIR}/consumer --target consumer)
expect_dynamic(${WORK_DIR}/consumer/consumer NEEDED ${soname})
run(${WORK_DIR}/consumer/consumer)

# The installed tool loads it too (no rpath: in /usr/lib it needs none).
run_output(tool_version ${CMAKE_COMMAND} -E env LD_LIBRARY_PATH=${libdir}
  ${PREFIX}/bin/procession --version)
expect("procession --version to say ${VERSION}, not ${tool_version}"
  tool_version MATCHES "${VERSION}")
