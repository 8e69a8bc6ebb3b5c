# Builds and runs tests/package/consumer against krelu, either installed (MODE=find_package) or
# as a subdirectory (MODE=add_subdirectory). Fails loudly on any step.
file(REMOVE_RECURSE ${WORK_DIR})
file(MAKE_DIRECTORY ${WORK_DIR})
set(consumer ${KRELU_SOURCE_DIR}/tests/package/consumer)

function(run_step)
  execute_process(COMMAND ${ARGV} WORKING_DIRECTORY ${WORK_DIR} RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err)
  if(NOT rc EQUAL 0)
    message(FATAL_ERROR "step failed (${rc}): ${ARGV}\n${out}\n${err}")
  endif()
endfunction()

if(MODE STREQUAL "find_package")
  run_step(${CMAKE_COMMAND} -S ${KRELU_SOURCE_DIR} -B ${WORK_DIR}/krelu-build -DKRELU_BUILD_TESTS=OFF
           -DKRELU_BUILD_EXAMPLES=OFF -DKRELU_BUILD_BENCHMARKS=OFF -DCMAKE_INSTALL_PREFIX=${WORK_DIR}/prefix)
  run_step(${CMAKE_COMMAND} --build ${WORK_DIR}/krelu-build --target install)
  run_step(${CMAKE_COMMAND} -S ${consumer} -B ${WORK_DIR}/consumer-build -DCMAKE_PREFIX_PATH=${WORK_DIR}/prefix
           -DKRELU_CONSUMER_MODE=find_package)
else()
  run_step(${CMAKE_COMMAND} -S ${consumer} -B ${WORK_DIR}/consumer-build -DKRELU_CONSUMER_MODE=add_subdirectory
           -DKRELU_SOURCE_DIR=${KRELU_SOURCE_DIR})
endif()
run_step(${CMAKE_COMMAND} --build ${WORK_DIR}/consumer-build)
run_step(${WORK_DIR}/consumer-build/consumer)
