# `cpack -G DEB` makes libprocession-dev_<version>_<arch>.deb. The package
# declares the Debian packages its headers, CMake package and pkg-config
# file need (each a real package: installed here, as the build needs them
# too), holds what `cmake --install` installs, and a consumer builds against
# its contents with find_package() and with pkg-config. The package is
# unpacked into a directory of the test (dpkg -x), never installed: the
# system is left as it was.
include(${CMAKE_CURRENT_LIST_DIR}/common.cmake)
file(REMOVE_RECURSE ${WORK_DIR})
file(MAKE_DIRECTORY ${WORK_DIR})

run(cpack -G DEB --config ${BINARY_DIR}/CPackConfig.cmake -B ${WORK_DIR}/cpack)
file(GLOB debs ${WORK_DIR}/cpack/*.deb)
list(LENGTH debs count)
expect("one .deb in ${WORK_DIR}/cpack, found: ${debs}" count EQUAL 1)
run_output(arch dpkg --print-architecture)
set(deb ${WORK_DIR}/cpack/libprocession-dev_${VERSION}_${arch}.deb)
expect("${deb}" EXISTS ${deb})

# The control fields.
foreach(field Package Version Architecture Depends Maintainer Description)
  run_output(${field} dpkg-deb -f ${deb} ${field})
  message(STATUS "${field}: ${${field}}")
  expect("a ${field} field" ${field} MATCHES ".")
endforeach()
expect("Package libprocession-dev" Package STREQUAL "libprocession-dev")
expect("Version ${VERSION}" Version STREQUAL VERSION)
expect("Architecture ${arch}" Architecture STREQUAL arch)

# Depends: what the installed files need, and every clause a package that
# exists (one of its alternatives installed on this machine).
string(REPLACE "," ";" clauses "${Depends}")
set(depended_on "")
foreach(clause ${clauses})
  string(REPLACE "|" ";" alternatives "${clause}")
  set(found FALSE)
  foreach(alternative ${alternatives})
    string(REGEX REPLACE "\\(.*\\)" "" name "${alternative}")
    string(STRIP "${name}" name)
    list(APPEND depended_on ${name})
    execute_process(COMMAND dpkg-query -W -f=\${Status} ${name}
      OUTPUT_VARIABLE status ERROR_QUIET)
    if(status STREQUAL "install ok installed")
      set(found TRUE)
    endif()
  endforeach()
  expect("an installed package for Depends clause '${clause}'" found)
endforeach()
foreach(needed libgoogle-glog-dev libgflags-dev libprotobuf-dev nlohmann-json3-dev)
  expect("Depends on ${needed}: ${Depends}" needed IN_LIST depended_on)
endforeach()

# Unpacked: the files of the install, under /usr.
set(stage ${WORK_DIR}/stage)
run(dpkg-deb -x ${deb} ${stage})
set(usr ${stage}/usr)
if(SHARED)
  set(library ${LIBDIR}/libprocession.so.${SOVERSION})
else()
  set(library ${LIBDIR}/libprocession.a)
endif()
foreach(file include/process/process.hpp include/stout/option.hpp ${library}
    ${LIBDIR}/cmake/Procession/ProcessionConfig.cmake
    ${LIBDIR}/pkgconfig/procession.pc bin/procession)
  expect("${file} in the package" EXISTS ${usr}/${file})
endforeach()

# find_package() through CMAKE_PREFIX_PATH, and nothing else.
run(${CMAKE_COMMAND} -S ${SOURCE_DIR}/tests/install/consumer
    -B ${WORK_DIR}/consumer -G Ninja -DCMAKE_PREFIX_PATH=${usr})
file(STRINGS ${WORK_DIR}/consumer/CMakeCache.txt found_at
  REGEX "^Procession_DIR:")
expect("Procession found in the package, not at ${found_at}"
  found_at STREQUAL "Procession_DIR:PATH=${usr}/${LIBDIR}/cmake/Procession")
run(${CMAKE_COMMAND} --build ${WORK_DIR}/consumer --target consumer)
run(${WORK_DIR}/consumer/consumer)

# pkg-config, with the package's procession.pc.
build_with_pkg_config(${usr}/${LIBDIR}/pkgconfig
  ${SOURCE_DIR}/tests/install/consumer/main.cpp ${WORK_DIR}/main)
