# Runs one libFuzzer binary over a fresh copy of its seed corpus (the checked-in seeds stay as they
# are); a crash or sanitizer report fails the test and leaves crash-* / leak-* files in WORK.
# Arguments: -DFUZZER=binary -DSEEDS=seed directory -DWORK=scratch directory -DSECONDS=run time
file(REMOVE_RECURSE ${WORK}/corpus)
file(MAKE_DIRECTORY ${WORK}/corpus ${WORK}/artifacts)
file(GLOB seeds ${SEEDS}/*)
if(seeds)
  file(COPY ${seeds} DESTINATION ${WORK}/corpus)
endif()
execute_process(COMMAND ${FUZZER} -max_total_time=${SECONDS} -rss_limit_mb=2048 -artifact_prefix=${WORK}/artifacts/
                        ${WORK}/corpus
                RESULT_VARIABLE result)
if(NOT result EQUAL 0)
  message(FATAL_ERROR "${FUZZER} failed (${result}); the input is in ${WORK}/artifacts/")
endif()
