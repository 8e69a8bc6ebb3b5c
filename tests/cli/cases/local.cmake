# krelu local: same output shape as train, no lower bound.
include(${SUPPORT})

krelu_run(J ARGS local ${DATA}/cli/tiny.csv --units 2 --restarts 4 --seed 1 --json --output local.txt)
expect_one_json_object("${J_OUT}")
expect_json("${J_OUT}" "local_search" status)
expect_json_type("${J_OUT}" NULL lower_bound)
expect_json_type("${J_OUT}" NULL gap)
expect_json_type("${J_OUT}" NUMBER loss)
expect_json("${J_OUT}" 4 restarts)
expect_json_length("${J_OUT}" 2 network a)
json_get(loss "${J_OUT}" loss)
krelu_run(C ARGS verify ${DATA}/cli/tiny.csv local.txt --claim ${loss})
expect_match("${C_OUT}" "claim: +holds" "local's loss is the network's loss")

# Same seed, same result.
krelu_run(J2 ARGS local ${DATA}/cli/tiny.csv --units 2 --restarts 4 --seed 1 --json)
json_get(loss2 "${J2_OUT}" loss)
if(NOT loss STREQUAL loss2)
  message(FATAL_ERROR "local search is not reproducible: ${loss} vs ${loss2}")
endif()

krelu_run(H ARGS local ${DATA}/cli/tiny.svm --units 1 --signs plus --radius 2)
expect_match("${H_OUT}" "lower bound: +none" "human local output")
expect_match("${H_OUT}" "network: +1 unit, dimension 2" "human local output")

# The restarts run on any number of threads with the same result.
krelu_run(T1 ARGS local ${DATA}/cli/tiny.csv --units 2 --restarts 6 --seed 5 --threads 1 --json)
krelu_run(T2 ARGS local ${DATA}/cli/tiny.csv --units 2 --restarts 6 --seed 5 --threads 2 --json)
json_get(loss_one "${T1_OUT}" loss)
json_get(loss_two "${T2_OUT}" loss)
if(NOT loss_one STREQUAL loss_two)
  message(FATAL_ERROR "local search depends on the thread count: ${loss_one} vs ${loss_two}")
endif()
expect_json("${T2_OUT}" 6 restarts)
krelu_fails("--threads" ARGS local ${DATA}/cli/tiny.csv --units 2 --threads -1)
