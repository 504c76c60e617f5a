# Installs the build tree into a fresh prefix, for the install.* tests.
include(${CMAKE_CURRENT_LIST_DIR}/common.cmake)
file(REMOVE_RECURSE ${PREFIX})
run(${CMAKE_COMMAND} --install ${BINARY_DIR} --prefix ${PREFIX})
