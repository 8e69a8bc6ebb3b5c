# krelu train draws a live progress line on stderr when, and only when, stderr is a terminal.
# script(1) (util-linux, part of every Debian system) gives the tool a pseudo-terminal.
include(${SUPPORT})
find_program(SCRIPT_PROGRAM script REQUIRED)

# Branch-and-bound reports after its first node, then at most 4 times per second.
krelu_run(R ARGS reduce set-cover --random universe=10,subsets=6,density=0.3 --seed 1 --output sc.svm)
set(train "${KRELU} train sc.svm --units 1 --signs plus")
execute_process(COMMAND ${SCRIPT_PROGRAM} -qec "${train}" /dev/null WORKING_DIRECTORY ${WORK_DIR}
                RESULT_VARIABLE rc OUTPUT_VARIABLE tty ERROR_VARIABLE tty_err)
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "${train} on a terminal: exit code ${rc}\n${tty}\n${tty_err}")
endif()
expect_match("${tty}" "incumbent [0-9.e+-]+  bound [0-9.e+-]+  gap [0-9.e+-]+  [0-9]+ nodes/s  [0-9.]+ s"
             "progress line on a terminal")
expect_match("${tty}" "status: +optimal" "the result after the progress line")

# The same run with stderr in a pipe: no progress at all.
krelu_run(P ARGS train sc.svm --units 1 --signs plus)
expect_no_match("${P_ERR}" "incumbent" "progress in a pipe")
expect_match("${P_OUT}" "status: +optimal" "piped result")
