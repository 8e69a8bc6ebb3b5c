# --help, COMMAND --help, --version, and a missing or unknown command.
include(${SUPPORT})

krelu_run(H ARGS --help)
foreach(cmd train local eval reduce decode verify)
  expect_match("${H_OUT}" "${cmd}" "--help lists ${cmd}")
endforeach()
expect_match("${H_OUT}" "Exit codes: 0 success" "--help states the exit codes")

krelu_run(T ARGS train --help)
foreach(opt --units --signs --radius --method --threads --time-limit --seed --output --json --format)
  expect_match("${T_OUT}" "${opt}" "train --help lists ${opt}")
endforeach()
krelu_run(R ARGS reduce --help)
expect_match("${R_OUT}" "--random" "reduce --help lists --random")

krelu_run(V ARGS --version)
expect_match("${V_OUT}" "^krelu [0-9]+\\.[0-9]+\\.[0-9]+\n$" "--version prints the project version")

krelu_fails("subcommand|required" ARGS)
krelu_fails("subcommand is required|train2" ARGS train2)
