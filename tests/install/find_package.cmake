# Configures, builds and runs the consumer project, which finds the
# installed prefix with find_package(Procession).
include(${CMAKE_CURRENT_LIST_DIR}/common.cmake)
file(REMOVE_RECURSE ${WORK_DIR})
run(${CMAKE_COMMAND} -S ${SOURCE_DIR}/tests/install/consumer
    -B ${WORK_DIR} -G Ninja -DCMAKE_PREFIX_PATH=${PREFIX})
run(${CMAKE_COMMAND} --build ${WORK_DIR})
run(${WORK_DIR}/consumer)
run(${WORK_DIR}/consumer_test)
run(${WORK_DIR}/mesos_style)
run(${WORK_DIR}/protobuf_consumer)
