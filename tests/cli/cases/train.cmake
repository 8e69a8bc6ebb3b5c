# krelu train: JSON fields, the human report, both methods, signs, radius, --output, --format.
include(${SUPPORT})

krelu_run(J ARGS train ${DATA}/cli/tiny.csv --units 1 --json)
expect_one_json_object("${J_OUT}")
expect_json("${J_OUT}" "optimal" status)
expect_json("${J_OUT}" "train" command)
foreach(field loss lower_bound gap nodes qps patterns seconds)
  expect_json_type("${J_OUT}" NUMBER ${field})
endforeach()
expect_json("${J_OUT}" 8 samples)
expect_json_length("${J_OUT}" 1 network a)
expect_json_length("${J_OUT}" 2 network W 0)
expect_json_type("${J_OUT}" NUMBER network W 0 1)
json_get(loss "${J_OUT}" loss)
json_get(bound "${J_OUT}" lower_bound)
if(bound GREATER loss)
  message(FATAL_ERROR "lower bound ${bound} above the loss ${loss}")
endif()
file(WRITE ${WORK_DIR}/bnb.json "${J_OUT}")
# No progress line when stderr is not a terminal.
if(NOT "${J_ERR}" STREQUAL "")
  message(FATAL_ERROR "train printed on a non-terminal stderr:\n${J_ERR}")
endif()

# Lemma 22 by enumeration reaches the same optimum (verified by the tool, relative 1e-9).
krelu_run(E ARGS train ${DATA}/cli/tiny.csv --units 1 --method enumerate --json --output enum.txt)
expect_json("${E_OUT}" "optimal" status)
expect_json("${E_OUT}" "enumerate" method)
json_get(patterns "${E_OUT}" patterns)
if(NOT patterns GREATER 0)
  message(FATAL_ERROR "enumerate visited no pattern")
endif()
krelu_run(C ARGS verify ${DATA}/cli/tiny.csv enum.txt --claim ${loss})
expect_match("${C_OUT}" "claim: +holds" "enumerate and bnb agree")

# Human output.
krelu_run(H ARGS train ${DATA}/cli/tiny.csv --units 2 --signs +,- --threads 1 --seed 3)
foreach(line "status: +optimal" "loss: +[0-9]" "lower bound: +[0-9-]" "gap: +[0-9]" "nodes: +[0-9]+" "qps: +[0-9]+"
             "seconds: +[0-9]" "network: +2 units, dimension 2" "\n  \\+1 [^\n]*\n  -1 ")
  expect_match("${H_OUT}" "${line}" "human train output")
endforeach()

# Bounded, all-plus, time limit; the network file round-trips through eval.
krelu_run(B ARGS train ${DATA}/cli/tiny.csv --units 2 --signs plus --radius 0.5 --time-limit 30 --json -o bounded.txt)
expect_json("${B_OUT}" 1 network a 0)
expect_json("${B_OUT}" 1 network a 1)
json_get(bloss "${B_OUT}" loss)
krelu_run(V ARGS eval bounded.txt ${DATA}/cli/tiny.csv --json)
json_get(eloss "${V_OUT}" loss)
krelu_run(C2 ARGS verify ${DATA}/cli/tiny.csv bounded.txt --claim ${bloss})
expect_match("${C2_OUT}" "claim: +holds" "train's loss equals eval's")

# --format overrides the extension.
configure_file(${DATA}/cli/tiny.svm ${WORK_DIR}/tiny.txt COPYONLY)
krelu_run(S ARGS train tiny.txt --format svmlight --units 1 --json)
expect_json("${S_OUT}" 4 samples)
