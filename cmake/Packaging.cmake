# Packaging: procession.pc for pkg-config, and the Debian package that
# `cpack -G DEB` makes from the install rules (docs/guide.md, "Packaging").

# --- pkg-config ------------------------------------------------------------
# Requires: the public headers include glog, protobuf and nlohmann's
# json_fwd.hpp, and the library calls glog, libprotobuf and libssl (TLS), so consumers
# need them both to compile and (static library) to link. llhttp is compiled
# into the library and Asio is header-only and private: neither appears.
# Threads: a static library passes -pthread on to every link; a shared one
# has recorded it already.
if(PROCESSION_SHARED)
  set(PROCESSION_PC_LIBS "")
  set(PROCESSION_PC_LIBS_PRIVATE "-pthread")
else()
  set(PROCESSION_PC_LIBS "-pthread")
  set(PROCESSION_PC_LIBS_PRIVATE "")
endif()

# The prefix, as a path from the .pc file's directory; absolute install
# directories (-DCMAKE_INSTALL_LIBDIR=/opt/...) are written as they are.
set(PROCESSION_PC_DESTINATION ${CMAKE_INSTALL_LIBDIR}/pkgconfig)
if(IS_ABSOLUTE "${CMAKE_INSTALL_LIBDIR}")
  set(PROCESSION_PC_PREFIX "")
  set(PROCESSION_PC_LIBDIR "${CMAKE_INSTALL_LIBDIR}")
else()
  file(RELATIVE_PATH PROCESSION_PC_PREFIX
    "/prefix/${PROCESSION_PC_DESTINATION}" "/prefix")
  string(REGEX REPLACE "/$" "" PROCESSION_PC_PREFIX "${PROCESSION_PC_PREFIX}")
  set(PROCESSION_PC_LIBDIR "\${prefix}/${CMAKE_INSTALL_LIBDIR}")
endif()
if(IS_ABSOLUTE "${CMAKE_INSTALL_INCLUDEDIR}")
  set(PROCESSION_PC_INCLUDEDIR "${CMAKE_INSTALL_INCLUDEDIR}")
else()
  set(PROCESSION_PC_INCLUDEDIR "\${prefix}/${CMAKE_INSTALL_INCLUDEDIR}")
endif()
configure_file(${PROJECT_SOURCE_DIR}/cmake/procession.pc.in
  ${PROJECT_BINARY_DIR}/procession.pc @ONLY)
install(FILES ${PROJECT_BINARY_DIR}/procession.pc
  DESTINATION ${PROCESSION_PC_DESTINATION})

# --- Debian package (cpack -G DEB) -----------------------------------------
# One package, libprocession-dev: headers, the library, the CMake package,
# procession.pc and the procession tool. It installs under /usr.
set(PROCESSION_PACKAGE_MAINTAINER
  "Procession maintainers <maintainers@users.noreply.r-seed-a3bb2c2c.example>"
  CACHE STRING "Maintainer field of the Debian package")

set(CPACK_GENERATOR DEB)
set(CPACK_PACKAGE_NAME libprocession-dev)
set(CPACK_PACKAGE_VERSION ${PROJECT_VERSION})
set(CPACK_PACKAGE_VENDOR "Procession")
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY
  "C++20 actor library compatible with libprocess")
set(CPACK_PACKAGE_DESCRIPTION
  "Procession is a C++20 actor library that compiles libprocess programs
(processes, futures, dispatch, HTTP routes, protobuf messages) and speaks
libprocess's wire protocol. This package holds the headers, the library,
its CMake package and pkg-config file, and the procession command-line tool.")
set(CPACK_DEBIAN_PACKAGE_MAINTAINER "${PROCESSION_PACKAGE_MAINTAINER}")
set(CPACK_DEBIAN_PACKAGE_SECTION libdevel)
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)
# What the installed headers and ProcessionConfig.cmake need (the
# pkg-config Requires above, and find_dependency's glog, nlohmann_json and
# FindProtobuf). The run-time libraries of the tool (and of
# libprocession.so) are added by dpkg-shlibdeps.
set(CPACK_DEBIAN_PACKAGE_DEPENDS
  "libgoogle-glog-dev, libgflags-dev, libprotobuf-dev, nlohmann-json3-dev, libssl-dev")
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)
# protobuf_generate() for a consumer's own .proto files wants protoc;
# Procession::gtest (the AWAIT_* macros, gmock.hpp) wants GoogleTest.
set(CPACK_DEBIAN_PACKAGE_RECOMMENDS "protobuf-compiler, pkg-config | cmake")
set(CPACK_DEBIAN_PACKAGE_SUGGESTS "libgtest-dev, libgmock-dev")
if(PROCESSION_SHARED)
  # A shlibs file, so that packages built against libprocession.so depend
  # on this package by its soname.
  set(CPACK_DEBIAN_PACKAGE_GENERATE_SHLIBS ON)
endif()
include(CPack)
